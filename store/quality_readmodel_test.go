package store

import (
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// TestQualityFlagsFromReadModelMatchDatabase: on the demo, on both databases, every unit's return of
// every month is flagged alike whether the newest versions come from the read model (and their
// figures from the cache) or are all read from the database, as before; and so again after new
// uploads, whose figures the rules then compare (none of the cached figures is stale).
func TestQualityFlagsFromReadModelMatchDatabase(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		if err := s.SeedDemo(p); err != nil {
			t.Fatal(err)
		}
		if err := s.StartReadModel(p); err != nil {
			t.Fatal(err)
		}
		compare := func(t *testing.T) int {
			fromDB := &Store{db: s.db, path: s.path, dsn: s.dsn, dialect: s.dialect}
			flagged := 0
			subs := s.rm.cur.Load().Submissions
			for _, u := range p.ReportingUnits() {
				months := make([]string, 0, len(subs[u.Code]))
				for per := range subs[u.Code] {
					months = append(months, per)
				}
				sort.Strings(months)
				for _, per := range months {
					v, err := s.LatestVersion(u.Code, per)
					if err != nil {
						t.Fatal(err)
					}
					period := models.MustPeriod(per)
					values := models.VersionValues(v)
					got, err := s.QualityFigures(p, u.Code, period, values)
					if err != nil {
						t.Fatal(err)
					}
					want, err := fromDB.QualityFigures(p, u.Code, period, values)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s %s: figures from the read model differ from the database's:\n%+v\nwant\n%+v", u.Code, per, got, want)
					}
					gf, wf := models.QualityFlags(got), models.QualityFlags(want)
					if !reflect.DeepEqual(gf, wf) {
						t.Fatalf("%s %s: flags %+v, want %+v", u.Code, per, gf, wf)
					}
					flagged += len(gf)
				}
			}
			return flagged
		}
		if n := compare(t); n == 0 {
			t.Fatal("the demo raises no flag at all: the comparison shows nothing")
		}
		// New uploads: 530303 copies 530302's September, and 530302 uploads a new August.
		for _, up := range []struct{ unit, period, from string }{{"530303", "2025-09", "530302"}, {"530302", "2025-08", "530302"}} {
			v, err := s.LatestVersion(up.from, up.period)
			if err != nil {
				t.Fatal(err)
			}
			var vals []models.ReturnValue
			for _, rv := range v.Values {
				rv.ID, rv.VersionID = 0, 0
				if up.unit == up.from {
					rv.Value *= 3
				}
				vals = append(vals, rv)
			}
			if _, err := s.SaveVersion(models.NewVersion{UnitCode: up.unit, Period: up.period, Source: models.SourceUpload,
				File: []byte("quality " + up.unit + up.period), Values: vals}); err != nil {
				t.Fatal(err)
			}
		}
		compare(t)
		v, err := s.LatestVersion("530302", "2025-09")
		if err != nil {
			t.Fatal(err)
		}
		in, err := s.QualityFigures(p, "530302", models.MustPeriod("2025-09"), models.VersionValues(v))
		if err != nil {
			t.Fatal(err)
		}
		copied := false
		for _, f := range models.QualityFlags(in) {
			copied = copied || f.Rule == models.FlagIdenticalPeer && f.Compared[1].Unit == "530303"
		}
		if !copied {
			t.Fatal("530303's new copy of 530302's September is not compared")
		}
	})
}

// TestQualityFiguresReadOnlyNewVersions: with the read model, flagging a return reads no version
// list (the read model names the newest versions), and figures only of versions it has not read
// before: the county page no longer reads two months of every county's returns on each view.
func TestQualityFiguresReadOnlyNewVersions(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		if err := s.SeedDemo(p); err != nil {
			t.Fatal(err)
		}
		if err := s.StartReadModel(p); err != nil {
			t.Fatal(err)
		}
		var versionLists, figureReads atomic.Int64
		count := func(db *gorm.DB) {
			sql := db.Statement.SQL.String()
			switch {
			case strings.Contains(sql, "FROM return_versions"):
				versionLists.Add(1)
			case strings.Contains(sql, "FROM return_values"):
				figureReads.Add(1)
			}
		}
		if err := s.db.Callback().Row().After("gorm:row").Register("test:quality_count", count); err != nil {
			t.Fatal(err)
		}
		if err := s.db.Callback().Query().After("gorm:query").Register("test:quality_count", count); err != nil {
			t.Fatal(err)
		}
		flag := func(unit string) {
			t.Helper()
			v, err := s.LatestVersion(unit, "2025-06")
			if err != nil {
				t.Fatal(err)
			}
			versionLists.Store(0)
			figureReads.Store(0)
			if _, err := s.QualityFigures(p, unit, models.MustPeriod("2025-06"), models.VersionValues(v)); err != nil {
				t.Fatal(err)
			}
		}
		flag("530302")
		if versionLists.Load() != 0 || figureReads.Load() != 1 {
			t.Fatalf("first flagging: %d version lists, %d figure reads; want 0 and 1", versionLists.Load(), figureReads.Load())
		}
		flag("530303")
		if versionLists.Load() != 0 || figureReads.Load() != 1 {
			// 530303's own earlier months are new; its peers' months were read for 530302.
			t.Fatalf("another unit: %d version lists, %d figure reads; want 0 and 1", versionLists.Load(), figureReads.Load())
		}
		flag("530302")
		if versionLists.Load() != 0 || figureReads.Load() != 0 {
			t.Fatalf("again: %d version lists, %d figure reads; want 0 and 0", versionLists.Load(), figureReads.Load())
		}
	})
}
