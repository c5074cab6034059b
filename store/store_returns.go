package store

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// SaveVersion stores a new version of a unit's return with its return.upload audit entry in one
// transaction and returns it. The version number is the next after the newest, so two
// simultaneous uploads land as consecutive versions (writes are serialised).
func (s *Store) SaveVersion(nv models.NewVersion) (models.ReturnVersion, error) {
	var out models.ReturnVersion
	var ch models.Change
	err := s.write(func(tx *gorm.DB) error {
		v, err := saveVersionTx(tx, nv)
		if err != nil {
			return err
		}
		out = v
		if err := auditTx(tx, models.AuditEntry{At: v.UploadedAt, Actor: nv.By.Username, IP: nv.By.IP, Action: models.AuditUpload, Subject: v.UnitCode + " " + v.Period,
			After: models.AuditJSON(map[string]any{"version": v.Number, "file": v.FileName, "hash": v.FileHash, "source": v.Source})}); err != nil {
			return err
		}
		ch, err = changed(tx, models.Change{Kind: models.ChangeReturn, Unit: nv.UnitCode, Periods: []string{nv.Period}})
		return err
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return out, err
}

func saveVersionTx(tx *gorm.DB, nv models.NewVersion) (models.ReturnVersion, error) {
	// Concurrent writers (PostgreSQL): uploads of one unit's month go one at a time, so that they do
	// not collide on the next version number (the unique index would refuse the second, which would
	// then run again).
	if err := lockTx(tx, "return", nv.UnitCode, nv.Period); err != nil {
		return models.ReturnVersion{}, err
	}
	ret := models.Return{UnitCode: nv.UnitCode, Period: nv.Period}
	if err := tx.Where(models.Return{UnitCode: nv.UnitCode, Period: nv.Period}).FirstOrCreate(&ret).Error; err != nil {
		return models.ReturnVersion{}, fmt.Errorf("store: find return %s %s: %w", nv.UnitCode, nv.Period, err)
	}
	hash := ""
	if nv.File != nil {
		hash = models.FileHash(nv.File)
		var n int64
		if err := tx.Model(&models.ReturnVersion{}).Where("return_id = ? AND file_hash = ?", ret.ID, hash).Count(&n).Error; err != nil {
			return models.ReturnVersion{}, fmt.Errorf("store: look up file hash: %w", err)
		}
		if n > 0 {
			return models.ReturnVersion{}, models.ErrDuplicateFile
		}
		var stored int64
		if err := tx.Model(&models.StoredFile{}).Where("hash = ?", hash).Count(&stored).Error; err != nil {
			return models.ReturnVersion{}, fmt.Errorf("store: look up stored file: %w", err)
		}
		if stored == 0 {
			if err := tx.Create(&models.StoredFile{Hash: hash, Name: nv.FileName, Size: int64(len(nv.File)), Data: nv.File}).Error; err != nil {
				return models.ReturnVersion{}, fmt.Errorf("store: store file: %w", err)
			}
		}
	}
	var maxNumber int
	if err := tx.Model(&models.ReturnVersion{}).Where("return_id = ?", ret.ID).Select("COALESCE(MAX(number), 0)").Scan(&maxNumber).Error; err != nil {
		return models.ReturnVersion{}, fmt.Errorf("store: next version number: %w", err)
	}
	status := nv.Status
	if status == "" {
		status = models.StatusSubmitted
	}
	at := nv.UploadedAt
	if at.IsZero() {
		at = time.Now()
	}
	v := models.ReturnVersion{
		ReturnID: ret.ID, Number: maxNumber + 1, UnitCode: nv.UnitCode, Period: nv.Period, Status: status,
		Source: nv.Source, FileName: nv.FileName, FileHash: hash, UploadedBy: nv.UploadedBy, UploadedAt: at,
		Warnings: nv.Warnings, Values: nv.Values, Milestones: nv.Milestones,
		ReviewedBy: nv.ReviewedBy, ReviewedAt: nv.ReviewedAt, ReviewNote: nv.ReviewNote,
	}
	if err := tx.Create(&v).Error; err != nil {
		return models.ReturnVersion{}, fmt.Errorf("store: store version: %w", err)
	}
	return v, nil
}

// SaveVersions stores many versions in one transaction (the demo generator uses it: set-up, not
// anybody's change, so it writes no audit entries).
func (s *Store) SaveVersions(nvs []models.NewVersion) error {
	var chs []models.Change
	err := s.write(func(tx *gorm.DB) error {
		chs = chs[:0]
		months := map[string][]string{} // per unit, for one change each
		var units []string
		for _, nv := range nvs {
			if _, err := saveVersionTx(tx, nv); err != nil {
				return err
			}
			if months[nv.UnitCode] == nil {
				units = append(units, nv.UnitCode)
			}
			months[nv.UnitCode] = append(months[nv.UnitCode], nv.Period)
		}
		for _, u := range units {
			ch, err := changed(tx, models.Change{Kind: models.ChangeReturn, Unit: u, Periods: months[u]})
			if err != nil {
				return err
			}
			chs = append(chs, ch)
		}
		return nil
	})
	if err == nil {
		s.afterCommit(chs...)
	}
	return err
}

// LatestVersions returns the newest version of every return up to and including the month.
func (s *Store) LatestVersions(upTo string) ([]models.ReturnVersion, error) {
	var out []models.ReturnVersion
	err := s.db.Raw(`SELECT v.* FROM return_versions v
		JOIN (SELECT return_id, MAX(number) AS n FROM return_versions GROUP BY return_id) m
		  ON v.return_id = m.return_id AND v.number = m.n
		WHERE v.period <= ? ORDER BY v.period, v.unit_code`, upTo).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: latest versions: %w", err)
	}
	return out, nil
}

// LatestVersion returns the newest version of a unit's return for a month, or ErrNotFound.
func (s *Store) LatestVersion(unit, period string) (models.ReturnVersion, error) {
	var v models.ReturnVersion
	err := s.db.Preload("Values").Preload("Milestones").
		Where("unit_code = ? AND period = ?", unit, period).Order("number DESC").Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.ReturnVersion{}, models.ErrNotFound
	}
	if err != nil {
		return models.ReturnVersion{}, fmt.Errorf("store: latest version %s %s: %w", unit, period, err)
	}
	return v, nil
}
