package returns

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"ruralkpi/importers"
	"ruralkpi/models"
	"ruralkpi/store"
)

// The import service is the one code path of the web upload, the API, the CLI and the office's
// form: read the file (no database), then inside one transaction look up the reference figures,
// apply the rules, and store the version. It holds no rules of its own.

// historyMonths is how many earlier months the jump warning looks at.
const historyMonths = 13

// ImportRequest is one upload to import.
type ImportRequest struct {
	File     []byte
	FileName string
	// ActingUnit is the county user's unit: the return must be that unit's. "" is the office (or the
	// CLI on the server), which may file for any unit.
	ActingUnit string
	// ExpectedUnit and ExpectedPeriod are what the upload form chose ("" when nothing was chosen).
	ExpectedUnit   string
	ExpectedPeriod string
	UploadedBy     string
	// By is who stores it and from where, for the return.upload audit entry stored with the version.
	By models.Actor
	// Source is models.SourceUpload unless said otherwise.
	Source string
	// DryRun validates and compares with the stored version but stores nothing.
	DryRun bool
	// IgnoreLock skips the month's open/locked check (models.CanSubmit); only the server's CLI sets it,
	// to load past months at deployment.
	IgnoreLock bool
	// Now is the time of the upload; zero means time.Now().
	Now time.Time
}

// ImportOutcome is what an import did or, in a dry run, would do.
type ImportOutcome struct {
	Result
	// Stored says a new version was saved; Version is it.
	Stored  bool
	Version models.ReturnVersion
	// Previous is the newest version of the same unit and month before this import (Number 0 if none).
	Previous models.ReturnVersion
	// Changes compares the return with Previous.
	Changes []models.ReturnChange
	// Repeated says the very same original was already stored for the unit and month (nothing new
	// was stored); for the web form Version is then that earlier version.
	Repeated bool
}

// ErrRefused is returned (wrapped in Problems) when a return breaks a rule; nothing was stored.
var ErrRefused = errors.New("importers: return refused")

// Import reads, validates and (unless a dry run) stores an uploaded return as a new version. A file
// that breaks rules comes back with its problems in the outcome and a nil error; the error is for
// the very same file uploaded twice (models.EConflict) and for failures of the store.
func Import(st *store.Store, plan *models.Plan, lim importers.Limits, req ImportRequest) (ImportOutcome, error) {
	d, problems, err := Read(bytes.NewReader(req.File), lim, plan)
	if err != nil {
		return ImportOutcome{}, err
	}
	if d.Incomplete && d.UnitCode == "" && d.Period == "" {
		return ImportOutcome{Result: Result{Problems: capProblems(problems)}}, nil
	}
	return importDraft(st, plan, d, problems, req)
}

// ImportDraft validates and stores a return that did not come from a file: the office's form.
func ImportDraft(st *store.Store, plan *models.Plan, d Draft, req ImportRequest) (ImportOutcome, error) {
	return importDraft(st, plan, d, nil, req)
}

// ImportForm validates and (unless a dry run) stores a return typed into the web form, by the very
// path of an upload: the entry becomes the draft the reader would have made of the filled template.
// A month that is not open for the unit, which an upload gets as a conflict, comes back as a problem
// on the period field, so the form shows it where the clerk chose the month.
//
// The entry is kept as the version's original (FormOriginal), so submitting the same form again (a
// double click, the browser resending the post) stores nothing new: the outcome is Repeated and its
// Version is the one the first submit stored.
func ImportForm(st *store.Store, plan *models.Plan, e FormEntry, req ImportRequest) (ImportOutcome, error) {
	req.File, req.FileName = FormOriginal(e)
	out, err := importDraft(st, plan, FormDraft(plan, e), nil, req)
	if err != nil && out.Repeated {
		return repeatedForm(st, out, models.FileHash(req.File))
	}
	if err != nil && models.ErrorCode(err) == models.EConflict && !out.Stored {
		out.Problems = append(out.Problems, models.Problem{Sheet: SheetMonthly, Cell: models.ReturnFieldPeriod, Message: models.ErrorMessage(err)})
		return out, nil
	}
	return out, err
}

// repeatedForm answers a web return already stored with the version that holds its original.
func repeatedForm(st *store.Store, out ImportOutcome, hash string) (ImportOutcome, error) {
	versions, err := st.Versions(models.VersionFilter{UnitCode: out.Return.UnitCode, Period: out.Return.Period})
	if err != nil {
		return out, err
	}
	for _, v := range versions {
		if v.FileHash == hash {
			out.Version = v
			return out, nil
		}
	}
	return out, fmt.Errorf("importers: repeated web return %s %s: no version holds its original", out.Return.UnitCode, out.Return.Period)
}

func importDraft(st *store.Store, plan *models.Plan, d Draft, readProblems []models.Problem, req ImportRequest) (ImportOutcome, error) {
	if req.Now.IsZero() {
		req.Now = time.Now()
	}
	if req.Source == "" {
		req.Source = models.SourceUpload
	}
	expected := req.ExpectedUnit
	if req.ActingUnit != "" {
		expected = req.ActingUnit
	}
	var out ImportOutcome
	check := func(tx *store.Store) error {
		out = ImportOutcome{}
		unit, _ := normaliseCodeAndPeriod(d)
		ref, err := LookupReference(tx, plan, d, req.Now)
		if err != nil {
			return err
		}
		ref.ExpectedUnit, ref.ExpectedPeriod = expected, req.ExpectedPeriod
		out.Result = Validate(d, ref)
		if len(readProblems) > 0 {
			out.Problems = capProblems(append(append([]models.Problem{}, readProblems...), out.Problems...))
		}
		if !out.OK() {
			return ErrRefused
		}
		if err := admit(tx, plan, out.Return, req); err != nil {
			return err
		}
		prev, err := tx.LatestVersion(unit, out.Return.Period)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return err
		}
		out.Previous = prev
		out.Changes = Diff(plan, prev.Values, prev.Milestones, out.Return.Values, out.Return.Milestones)
		if req.DryRun {
			return nil
		}
		warnings, err := json.Marshal(out.Warnings)
		if err != nil {
			return fmt.Errorf("importers: encode warnings: %w", err)
		}
		if out.Warnings == nil {
			warnings = []byte("[]")
		}
		v, err := tx.SaveVersion(models.NewVersion{
			UnitCode: out.Return.UnitCode, Period: out.Return.Period, Source: req.Source, FileName: req.FileName,
			File: req.File, UploadedBy: req.UploadedBy, UploadedAt: req.Now, Warnings: string(warnings), By: req.By,
			Values: out.Return.Values, Milestones: out.Return.Milestones,
		})
		if errors.Is(err, models.ErrDuplicateFile) {
			out.Repeated = true
			return models.Errorf(models.EConflict, "这个文件已经上传过（%s %s），内容没有变化，未重复保存。", out.Return.UnitCode, out.Return.Period)
		}
		if err != nil {
			return err
		}
		out.Version, out.Stored = v, true
		return nil
	}
	// A dry run only reads: it does not take the writer's turn, so a preview never waits for (or
	// delays) an upload being stored.
	var err error
	if req.DryRun {
		err = check(st)
	} else {
		err = st.InTransaction(check)
	}
	if errors.Is(err, ErrRefused) {
		return out, nil
	}
	if err != nil {
		return ImportOutcome{Result: out.Result, Repeated: out.Repeated}, err
	}
	return out, nil
}

// admit refuses a return for a month that is not open for the unit, by the rule of every upload
// (importers.AdmitMonth).
func admit(tx *store.Store, plan *models.Plan, r Return, req ImportRequest) error {
	p, err := models.ParsePeriod(r.Period)
	if err != nil {
		return fmt.Errorf("importers: admit %s: %w", r.Period, err)
	}
	return importers.AdmitInTx(tx, plan, importers.MonthClaim{Unit: r.UnitCode, Period: p, Now: req.Now, IgnoreLock: req.IgnoreLock, DryRun: req.DryRun,
		By: req.UploadedBy, Subject: "月报"}, tx.SubmitCheck)
}

// normaliseCodeAndPeriod reads the unit and month of a draft as the rules will.
func normaliseCodeAndPeriod(d Draft) (string, string) {
	period, _ := normalisePeriod(d.Period)
	return normaliseCode(d.UnitCode), period
}

// LookupReference reads what the rules compare a draft with: the unit's accepted figures of the
// earlier months and its allocations for the year.
func LookupReference(st *store.Store, plan *models.Plan, d Draft, now time.Time) (Reference, error) {
	unit, period := normaliseCodeAndPeriod(d)
	ref := Reference{Plan: plan, Now: now}
	p, err := models.ParsePeriod(period)
	if err != nil || unit == "" {
		return ref, nil // the rules report the header; there is nothing to compare with
	}
	history, err := FiguresBefore(st, unit, period, historyMonths)
	if err != nil {
		return ref, err
	}
	ref.History = history
	later, err := st.LaterVersions(unit, period)
	if err != nil {
		return ref, err
	}
	for _, v := range later {
		ref.Later = append(ref.Later, FiguresOf(v))
	}
	if ref.Allocations, err = st.UnitAllocations(unit, p.Year); err != nil {
		return ref, err
	}
	return ref, nil
}

// FiguresBefore returns the unit's accepted figures of up to months earlier months, oldest first.
func FiguresBefore(st *store.Store, unit, period string, months int) ([]Figures, error) {
	versions, err := st.RecentVersions(unit, period, months)
	if err != nil {
		return nil, err
	}
	out := make([]Figures, len(versions))
	for i, v := range versions {
		out[len(versions)-1-i] = FiguresOf(v)
	}
	return out, nil
}

// FiguresOf turns a stored version into the plain figures the rules and the template use.
func FiguresOf(v models.ReturnVersion) Figures {
	f := Figures{Period: v.Period, Values: map[string]float64{}, Milestones: map[string]string{}}
	for _, x := range v.Values {
		f.Values[x.Indicator] = x.Value
	}
	for _, m := range v.Milestones {
		f.Milestones[models.MilestoneKey(m.Indicator, m.Unit)] = m.State
	}
	return f
}

// TemplateFor gathers what the template of a unit and month shows. A county user (actingUnit not
// "") may only have its own unit's template.
func TemplateFor(st *store.Store, plan *models.Plan, unit, period, actingUnit string, now time.Time) (TemplateInput, error) {
	if actingUnit != "" && unit != actingUnit {
		return TemplateInput{}, models.Errorf(models.EForbidden, "只能下载本单位的月报模板。")
	}
	u, ok := plan.Unit(unit)
	if !ok || len(u.Children) > 0 {
		return TemplateInput{}, models.Errorf(models.EInvalid, "单位代码“%s”不是填报单位。", unit)
	}
	p, err := models.ParsePeriod(period)
	if err != nil || !plan.ContainsPeriod(period) {
		return TemplateInput{}, models.Errorf(models.EInvalid, "月份“%s”不在规划期（%s 至 %s）内，请按 YYYY-MM 填写。", period, plan.StartPeriod, plan.EndPeriod)
	}
	if p.Index() > (models.Period{Year: now.Year(), Month: int(now.Month())}).Index() {
		return TemplateInput{}, models.Errorf(models.EInvalid, "%s 还没有到，不能下载该月模板。", p.Label())
	}
	if start := plan.UnitStart(unit); period < start {
		// The upload would be refused for the same reason; say so before the clerk fills it in.
		return TemplateInput{}, models.Errorf(models.EInvalid, "%s从 %s 起报送月报，%s 无需填报。", u.Name, start, p.Label())
	}
	in := TemplateInput{Plan: plan, UnitCode: unit, Period: period, GeneratedAt: now}
	// The office may move a month's deadline on the reporting board; the template says the same date.
	due, err := st.Deadline(p)
	if err != nil {
		return in, err
	}
	in.Deadline = fmt.Sprintf("请于 %s前报送 %s 的月报。", models.FormatLocalDate(due), p.Label())
	prev, err := FiguresBefore(st, unit, period, 1)
	if err != nil {
		return in, err
	}
	if len(prev) > 0 {
		in.Previous = prev[0]
	}
	switch cur, err := st.LatestVersion(unit, period); {
	case err == nil:
		in.Current = cur
	case !errors.Is(err, models.ErrNotFound):
		return in, err
	}
	if in.Targets, err = st.YearTargets(p.Year); err != nil {
		return in, err
	}
	if in.Allocations, err = st.UnitAllocations(unit, p.Year); err != nil {
		return in, err
	}
	return in, nil
}
