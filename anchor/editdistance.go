package anchor

// pattern is a quote prepared for Myers' bit-parallel approximate search (Myers 1999, in
// Hyyrö's block form), over code points rather than bytes, so a quote of any length works and
// a 4-byte emoji costs one edit, not four.
type pattern struct {
	m, blocks int
	ascii     [128]int32     // index into eq of an ASCII code point's bit vector, 0 if absent
	other     map[rune]int32 // the same for the rest
	eq        []uint64       // blocks words per code point; entry 0 is all zeros
	scratch   [2][]uint64    // Pv and Mv, reused between searches
}

// newPattern prepares q, which must not be empty.
func newPattern(q []rune) *pattern {
	p := &pattern{m: len(q), blocks: (len(q) + 63) / 64, other: map[rune]int32{}}
	p.eq = make([]uint64, p.blocks)
	for i, r := range q {
		k := p.index(r)
		if k == 0 {
			k = int32(len(p.eq) / p.blocks)
			p.eq = append(p.eq, make([]uint64, p.blocks)...)
			if r >= 0 && r < 128 {
				p.ascii[r] = k
			} else {
				p.other[r] = k
			}
		}
		p.eq[int(k)*p.blocks+i/64] |= 1 << (i % 64)
	}
	p.scratch[0], p.scratch[1] = make([]uint64, p.blocks), make([]uint64, p.blocks)
	return p
}

func (p *pattern) index(r rune) int32 {
	if r >= 0 && r < 128 {
		return p.ascii[r]
	}
	return p.other[r]
}

// search returns, for every j, the least edit distance between the pattern and a substring of
// text that ends just before text[j+1] (that is, at offset j+1), the start being free.
func (p *pattern) search(text []rune, dist []int32) []int32 {
	dist = dist[:0]
	pv, mv := p.scratch[0], p.scratch[1]
	for b := range pv {
		pv[b], mv[b] = ^uint64(0), 0
	}
	last := uint64(1) << ((p.m - 1) % 64)
	score := int32(p.m)
	w := p.blocks
	for _, r := range text {
		k := int(p.index(r)) * w
		eq := p.eq[k : k+w]
		hin := int32(0)
		for b := 0; b < w; b++ {
			high := uint64(1) << 63
			if b == w-1 {
				high = last
			}
			v, m, e := pv[b], mv[b], eq[b]
			xv := e | m
			if hin < 0 {
				e |= 1
			}
			xh := (((e & v) + v) ^ v) | e
			ph := m | ^(xh | v)
			mh := v & xh
			hout := int32(0)
			if ph&high != 0 {
				hout = 1
			} else if mh&high != 0 {
				hout = -1
			}
			ph <<= 1
			mh <<= 1
			if hin < 0 {
				mh |= 1
			} else if hin > 0 {
				ph |= 1
			}
			pv[b] = mh | ^(xv | ph)
			mv[b] = ph & xv
			hin = hout
		}
		score += hin
		dist = append(dist, score)
	}
	return dist
}

// editRow returns, for every j in 0..len(t), the edit distance between all of p and t[:j],
// where aligning an edge with anything else costs edgeCost.
func editRow(p, t []rune) []int {
	col := make([]int, len(p)+1)
	for i := 1; i < len(col); i++ {
		col[i] = col[i-1] + unitCost(p[i-1])
	}
	out := make([]int, len(t)+1)
	out[0] = col[len(p)]
	for j, c := range t {
		ins := unitCost(c)
		diag := col[0]
		col[0] += ins
		for i := 1; i <= len(p); i++ {
			up := col[i]
			cost := diag
			if p[i-1] != c {
				cost += max(unitCost(p[i-1]), ins)
			}
			col[i] = min(cost, up+ins, col[i-1]+unitCost(p[i-1]))
			diag = up
		}
		out[j+1] = col[len(p)]
	}
	return out
}

// headEdit is the least edit distance between all of p and some prefix of t.
func headEdit(p, t []rune) int {
	row := editRow(p, t)
	best := row[0]
	for _, d := range row[1:] {
		best = min(best, d)
	}
	return best
}

// reversed returns a reversed copy of rs.
func reversed(rs []rune) []rune {
	out := make([]rune, len(rs))
	for i, r := range rs {
		out[len(rs)-1-i] = r
	}
	return out
}
