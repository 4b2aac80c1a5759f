package main

import (
	"fmt"
	"strconv"
	"time"
)

// LiveConfig is the settings of the live event streams (GET /api/v1/events and the document
// streams): how many may be open at once, and how often an idle one pings its client and checks
// that its session or token still holds. A reverse proxy in front must not time out an idle
// stream sooner than the heartbeat.
type LiveConfig struct {
	MaxStreams int
	Heartbeat  time.Duration
	// Poll is how often the live hub looks for events that no wake told it of: on SQLite those
	// of another process on the file (the command line, a second server); on PostgreSQL, where
	// every server's commits are notified, it is only the safety net.
	Poll time.Duration
}

const (
	sMaxStreams    = "max-streams"
	sLiveHeartbeat = "live-heartbeat"
	sLivePoll      = "live-poll"
)

var liveSettings = map[string]setting{
	sMaxStreams: {flag: "max-streams", env: "CITECHECK_MAX_STREAMS", def: "500",
		usage: "live event streams open at once; one more is refused with 503",
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return fmt.Errorf("%q is not a positive number of streams", v)
			}
			c.Live.MaxStreams = n
			return nil
		},
		show: func(c *Config) string { return strconv.Itoa(c.Live.MaxStreams) }},
	sLiveHeartbeat: {flag: "live-heartbeat", env: "CITECHECK_LIVE_HEARTBEAT", def: "15s",
		usage: "how often an idle live stream pings and checks its sign-in, such as 15s",
		set:   func(c *Config, v string) error { return setDuration(&c.Live.Heartbeat, v) },
		show:  func(c *Config) string { return c.Live.Heartbeat.String() }},
	sLivePoll: {flag: "live-poll", env: "CITECHECK_LIVE_POLL", def: "2s",
		usage: "how often live streams look for events of other processes that nothing announced, such as 2s",
		set:   func(c *Config, v string) error { return setDuration(&c.Live.Poll, v) },
		show:  func(c *Config) string { return c.Live.Poll.String() }},
}

func init() {
	for name, s := range liveSettings {
		settings[name] = s
	}
}
