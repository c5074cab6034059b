package importers

import (
	"fmt"
	"time"

	"ruralkpi/models"
	"ruralkpi/store"
)

// MonthClaim is an upload's claim on a unit's month: a return version or a ledger snapshot. Both
// are let in by one rule, AdmitMonth.
type MonthClaim struct {
	Unit   string
	Period models.Period
	Now    time.Time
	// IgnoreLock lets a locked month in (the server's CLI loading past months); the override is
	// audited unless DryRun.
	IgnoreLock bool
	DryRun     bool
	By         string
	// Subject names the upload in the override's audit entry ("月报", "网点台账").
	Subject string
}

// AdmitMonth refuses an upload for a month that is not open for the unit (models.CanSubmit: not
// before the unit starts reporting, not locked after the deadline unless the office reopened the
// month or returned the newest upload) as a conflict with the reason in Chinese. check gathers the
// facts: Store.SubmitCheck for a return, Store.LedgerSubmitCheck for a ledger. The office's own
// figures for the whole city are not locked. With IgnoreLock a refusal is let through and returned
// as overridden, for the caller to audit (auditOverride) in the transaction that stores the upload.
func AdmitMonth(plan *models.Plan, c MonthClaim, check func(*models.Plan, string, models.Period, time.Time) (models.SubmitCheck, error)) (overridden string, err error) {
	if c.Unit == plan.Root.Code {
		return "", nil
	}
	sc, err := check(plan, c.Unit, c.Period, c.Now)
	if err != nil {
		return "", err
	}
	ok, why := models.CanSubmit(sc)
	switch {
	case ok:
		return "", nil
	case !c.IgnoreLock:
		return "", models.Errorf(models.EConflict, "%s", why)
	}
	return why, nil
}

// auditOverride records, in tx, that IgnoreLock let in an upload the month's lock refused (why);
// nothing when nothing was overridden or on a dry run.
func auditOverride(tx *store.Store, c MonthClaim, why string) error {
	if why == "" || c.DryRun {
		return nil
	}
	err := tx.Audit(models.AuditEntry{At: c.Now, Actor: c.By, Action: models.AuditLockOverride,
		Subject: fmt.Sprintf("%s %s %s", c.Unit, c.Period, c.Subject), Before: models.AuditJSON(map[string]string{"refusal": why}),
		After: models.AuditJSON(map[string]string{"override": "--ignore-lock"})})
	if err != nil {
		return fmt.Errorf("importers: audit lock override: %w", err)
	}
	return nil
}

// AdmitInTx is AdmitMonth and auditOverride in the transaction that stores the upload.
func AdmitInTx(tx *store.Store, plan *models.Plan, c MonthClaim, check func(*models.Plan, string, models.Period, time.Time) (models.SubmitCheck, error)) error {
	why, err := AdmitMonth(plan, c, check)
	if err != nil {
		return err
	}
	return auditOverride(tx, c, why)
}
