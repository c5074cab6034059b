package ledger

import (
	"sort"
	"strings"
)

// Village is one administrative village of a unit's reference list.
type Village struct {
	Township string
	Name     string
	// Division is the 12-digit statistical division code where known.
	Division string
}

// VillageIndex answers "is this village in the unit's list, and if not, what was meant?".
type VillageIndex struct {
	byKey  map[string]string   // township + "\x00" + name → canonical name
	byName map[string][]string // name → townships holding a village of that name
	names  [][]rune            // distinct names, for suggestions
	plain  []string
	memo   map[string][]string // suggestions already computed for a misspelt name
}

// NewVillageIndex indexes a reference list.
func NewVillageIndex(villages []Village) *VillageIndex {
	ix := &VillageIndex{byKey: map[string]string{}, byName: map[string][]string{}, memo: map[string][]string{}}
	for _, v := range villages {
		name := strings.TrimSpace(v.Name)
		town := strings.TrimSpace(v.Township)
		if name == "" {
			continue
		}
		ix.byKey[town+"\x00"+name] = name
		if _, seen := ix.byName[name]; !seen {
			ix.names = append(ix.names, []rune(name))
			ix.plain = append(ix.plain, name)
		}
		ix.byName[name] = append(ix.byName[name], town)
	}
	return ix
}

// Len is the number of villages indexed.
func (ix *VillageIndex) Len() int { return len(ix.byKey) }

// Lookup finds a village under a township. It returns the canonical name (shared, so 200,000 points
// naming 1,700 villages hold 1,700 strings) or, when the name exists only under other townships,
// those townships.
func (ix *VillageIndex) Lookup(township, name []byte) (canonical string, otherTownships []string, ok bool) {
	if c, ok := ix.byKey[string(township)+"\x00"+string(name)]; ok {
		return c, nil, true
	}
	return "", ix.byName[string(name)], false
}

// Suggest returns up to n names of the list closest to name (edit distance over characters), for
// "did you mean" messages. Results are remembered per misspelt name.
func (ix *VillageIndex) Suggest(name string, n int) []string {
	if s, ok := ix.memo[name]; ok {
		return s
	}
	target := []rune(name)
	type cand struct {
		d    int
		name string
	}
	var cands []cand
	limit := max(1, (len(target)+1)/3) // about one character in three may be wrong
	for i, r := range ix.names {
		if d := ledgerEditDistance(target, r, limit); d <= limit {
			cands = append(cands, cand{d, ix.plain[i]})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].d != cands[j].d {
			return cands[i].d < cands[j].d
		}
		return cands[i].name < cands[j].name
	})
	out := []string{}
	for i := 0; i < len(cands) && i < n; i++ {
		out = append(out, cands[i].name)
	}
	if len(ix.memo) < 10_000 {
		ix.memo[name] = out
	}
	return out
}

// ledgerEditDistance is the Levenshtein distance of a and b, giving up (returning limit+1) once it
// must exceed limit.
func ledgerEditDistance(a, b []rune, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
