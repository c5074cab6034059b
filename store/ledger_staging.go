package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"strings"

	"ruralkpi/models"
)

// LedgerStaging holds a ledger's validated points in a private scratch SQLite file while the
// upload is read. A province ledger (200,000 points) then never sits in Go memory, and the
// application database is not touched until the points are known good: the write transaction
// copies them over with one INSERT … SELECT, which SQLite does without a round trip per row.
//
// Batches go straight to the driver's statement on one pinned connection (sql.Conn.Raw) with
// argument slices kept from batch to batch: through database/sql every Exec allocated a fresh
// argument list, 40 bytes per value, about 115 MB of garbage for 200,000 points, which made the
// collector run several times as often under the server's memory limit.
type LedgerStaging struct {
	path  string
	db    *sql.DB
	conn  *sql.Conn   // pinned for the staging transaction; nil once finished
	full  driver.Stmt // the insert of a full batch, used only inside conn.Raw
	buf   []models.LedgerPoint
	args  []any
	nv    []driver.NamedValue
	count int
	done  bool
}

// ledgerStagingColumns are the staged columns; the same names as in ledger_point_records.
const ledgerStagingColumns = `code, name, township, village, operator, status, opened_on, changed_on, fused, direct, income, parcels, lat, lon, "row"`

const ledgerStagingColumnCount = 15

// NewLedgerStaging creates a scratch database in dir (the system temp folder when empty). Call
// Close when done, whatever happened: it removes the file.
func NewLedgerStaging(dir string) (*LedgerStaging, error) {
	f, err := os.CreateTemp(dir, "ruralkpi-ledger-*.db")
	if err != nil {
		return nil, fmt.Errorf("store: create ledger staging file: %w", err)
	}
	path := f.Name()
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("store: create ledger staging file: %w", err)
	}
	// A scratch file needs no journal and no fsync: if anything fails, it is thrown away.
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=OFF&_synchronous=OFF")
	if err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("store: open ledger staging: %w", err)
	}
	db.SetMaxOpenConns(1)
	st := &LedgerStaging{path: path, db: db, buf: make([]models.LedgerPoint, 0, ledgerInsertBatch),
		args: make([]any, 0, ledgerInsertBatch*ledgerStagingColumnCount),
		nv:   make([]driver.NamedValue, ledgerInsertBatch*ledgerStagingColumnCount)}
	for i := range st.nv {
		st.nv[i].Ordinal = i + 1
	}
	ctx := context.Background()
	if st.conn, err = db.Conn(ctx); err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("store: open ledger staging: %w", err)
	}
	ddl := `CREATE TABLE points (code TEXT, name TEXT, township TEXT, village TEXT, operator TEXT, status TEXT,
		opened_on TEXT, changed_on TEXT, fused INTEGER, direct INTEGER, income REAL, parcels INTEGER, lat REAL, lon REAL, "row" INTEGER)`
	if _, err := st.conn.ExecContext(ctx, ddl); err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("store: create ledger staging table: %w", err)
	}
	if _, err := st.conn.ExecContext(ctx, "BEGIN"); err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("store: begin ledger staging: %w", err)
	}
	return st, nil
}

// Add stages one validated point.
func (st *LedgerStaging) Add(p models.LedgerPoint) error {
	if st.done {
		return errors.New("store: ledger staging already finished")
	}
	st.buf = append(st.buf, p)
	st.count++
	if len(st.buf) == ledgerInsertBatch {
		return st.flush()
	}
	return nil
}

// Count is the number of points staged.
func (st *LedgerStaging) Count() int { return st.count }

func (st *LedgerStaging) flush() error {
	if len(st.buf) == 0 {
		return nil
	}
	st.args = st.args[:0]
	for _, p := range st.buf {
		st.args = appendLedgerPointArgs(st.args, p)
	}
	ctx := context.Background() // no Done channel: the driver runs the statement on this goroutine
	err := st.conn.Raw(func(dc any) error {
		stmt := st.full
		if len(st.buf) != ledgerInsertBatch || stmt == nil {
			s, err := dc.(driver.ConnPrepareContext).PrepareContext(ctx, ledgerInsertSQL("points", ledgerStagingColumns, ledgerStagingColumnCount, len(st.buf)))
			if err != nil {
				return fmt.Errorf("store: prepare ledger staging insert: %w", err)
			}
			if len(st.buf) == ledgerInsertBatch {
				st.full = s
			} else {
				defer s.Close()
			}
			stmt = s
		}
		nv := st.nv[:len(st.args)]
		for i, a := range st.args {
			nv[i].Value = a
		}
		_, err := stmt.(driver.StmtExecContext).ExecContext(ctx, nv)
		for i := range nv {
			nv[i].Value = nil // drop references to the batch's strings
		}
		if err != nil {
			return fmt.Errorf("store: stage ledger points: %w", err)
		}
		return nil
	})
	st.buf = st.buf[:0]
	clear(st.args[:cap(st.args)]) // drop references to the batch's strings
	return err
}

// Finish writes the last points and commits the scratch file, ready to be copied (and read through
// st.db: the pinned connection goes back to it).
func (st *LedgerStaging) Finish() error {
	if st.done {
		return nil
	}
	if err := st.flush(); err != nil {
		return err
	}
	if err := st.release("COMMIT"); err != nil {
		return fmt.Errorf("store: commit ledger staging: %w", err)
	}
	st.done = true
	return nil
}

// release closes the batch statement, ends the staging transaction with end (COMMIT or ROLLBACK)
// and returns the pinned connection.
func (st *LedgerStaging) release(end string) error {
	if st.conn == nil {
		return nil
	}
	if st.full != nil {
		_ = st.conn.Raw(func(any) error { return st.full.Close() })
		st.full = nil
	}
	_, err := st.conn.ExecContext(context.Background(), end)
	if cerr := st.conn.Close(); err == nil {
		err = cerr
	}
	st.conn = nil
	return err
}

// Close discards the scratch database.
func (st *LedgerStaging) Close() error {
	if !st.done {
		_ = st.release("ROLLBACK")
	}
	err := st.db.Close()
	if rmErr := os.Remove(st.path); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) && err == nil {
		err = rmErr
	}
	if err != nil {
		return fmt.Errorf("store: close ledger staging: %w", err)
	}
	return nil
}

// ledgerInsertSQL builds a multi-row INSERT of rows rows.
func ledgerInsertSQL(table, columns string, count, rows int) string {
	var b strings.Builder
	row := "(" + strings.Repeat("?,", count-1) + "?)"
	b.Grow(len(columns) + 40 + rows*(len(row)+1))
	b.WriteString("INSERT INTO " + table + " (" + columns + ") VALUES ")
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	return b.String()
}

// appendLedgerPointArgs appends a point's values in ledgerStagingColumns order.
func appendLedgerPointArgs(args []any, p models.LedgerPoint) []any {
	var lat, lon any
	if p.HasCoords {
		lat, lon = float64(p.Lat), float64(p.Lon)
	}
	return append(args, p.Code, p.Name, p.Township, p.Village, p.Operator, p.Status.Code(),
		p.OpenedOn.String(), p.ChangedOn.String(), p.Fused, p.Direct, p.Income, p.Parcels, lat, lon, int64(p.Row))
}

// copyStagedPoints copies the staged points into the snapshot inside the caller's transaction, on a
// connection that has the scratch file attached as ledger_staging.
func copyStagedPoints(ctx context.Context, exec func(ctx context.Context, query string, args ...any) error, snapshot uint) error {
	q := `INSERT INTO ledger_point_records (snapshot_id, ` + ledgerStagingColumns + `) SELECT ?, ` +
		ledgerStagingColumns + ` FROM ledger_staging.points ORDER BY rowid`
	if err := exec(ctx, q, snapshot); err != nil {
		return fmt.Errorf("store: copy staged ledger points: %w", err)
	}
	return nil
}
