package store

import (
	"fmt"
	"math"
	"slices"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// SetAllocations stores shares in one transaction, auditing each one that changes or is cleared; it
// returns how many changed. Every input must have been validated.
func (s *Store) SetAllocations(inputs []models.AllocationInput, by models.Actor, now time.Time) (int, error) {
	n := 0
	var chs []models.Change
	err := s.write(func(tx *gorm.DB) error {
		n, chs = 0, chs[:0]
		touched := map[[2]string]bool{}
		// announce records each indicator and year changed once, for the read model.
		announce := func(in models.AllocationInput) error {
			key := [2]string{in.Indicator, fmt.Sprint(in.Year)}
			if touched[key] {
				return nil
			}
			touched[key] = true
			ch, err := changed(tx, models.Change{Kind: models.ChangeAllocations, Indicator: in.Indicator, Year: in.Year})
			if err != nil {
				return err
			}
			chs = append(chs, ch)
			return nil
		}
		for _, in := range inputs {
			var cur models.Allocation
			res := tx.Where("indicator = ? AND year = ? AND unit_code = ?", in.Indicator, in.Year, in.UnitCode).Limit(1).Find(&cur)
			if res.Error != nil {
				return fmt.Errorf("store: read allocation: %w", res.Error)
			}
			before := ""
			if in.Clear {
				if res.RowsAffected == 0 {
					continue
				}
				if err := tx.Delete(&models.Allocation{}, cur.ID).Error; err != nil {
					return fmt.Errorf("store: delete allocation: %w", err)
				}
				n++
				if err := announce(in); err != nil {
					return err
				}
				if err := auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditAllocation,
					Subject: fmt.Sprintf("%s %d %s", in.Indicator, in.Year, in.UnitCode), Before: fmt.Sprint(cur.Value), After: ""}); err != nil {
					return err
				}
				continue
			}
			if res.RowsAffected > 0 {
				if cur.Value == in.Value {
					continue
				}
				before = fmt.Sprint(cur.Value)
				if err := tx.Model(&models.Allocation{}).Where("id = ?", cur.ID).Updates(map[string]any{"value": in.Value, "updated_by": by.Username, "updated_at": now}).Error; err != nil {
					return fmt.Errorf("store: update allocation: %w", err)
				}
			} else if err := tx.Create(&models.Allocation{Indicator: in.Indicator, Year: in.Year, UnitCode: in.UnitCode, Value: in.Value, UpdatedBy: by.Username, UpdatedAt: now}).Error; err != nil {
				return fmt.Errorf("store: create allocation: %w", err)
			}
			n++
			if err := announce(in); err != nil {
				return err
			}
			if err := auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditAllocation,
				Subject: fmt.Sprintf("%s %d %s", in.Indicator, in.Year, in.UnitCode), Before: before, After: fmt.Sprint(in.Value)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		s.afterCommit(chs...)
	}
	return n, err
}

// SetTarget changes a city-wide target, with its audit entry.
func (s *Store) SetTarget(p *models.Plan, indicator string, year int, value float64, by models.Actor, now time.Time) error {
	if _, ok := p.Indicator(indicator); !ok {
		return models.Errorf(models.EInvalid, "指标代码 %q 不存在。", indicator)
	}
	if !slices.Contains(p.Years, year) {
		return models.Errorf(models.EInvalid, "年度 %d 不在方案年度内。", year)
	}
	if value < 0 || math.IsNaN(value) || math.IsInf(value, 0) {
		return models.Errorf(models.EInvalid, "目标值不能为负数。")
	}
	var ch models.Change
	err := s.write(func(tx *gorm.DB) error {
		var cur models.TargetRecord
		res := tx.Where("indicator = ? AND year = ?", indicator, year).Limit(1).Find(&cur)
		if res.Error != nil {
			return fmt.Errorf("store: read target: %w", res.Error)
		}
		before := ""
		if res.RowsAffected > 0 {
			before = fmt.Sprint(cur.Value)
		}
		if err := tx.Save(&models.TargetRecord{Indicator: indicator, Year: year, Value: value, UpdatedAt: now}).Error; err != nil {
			return fmt.Errorf("store: save target: %w", err)
		}
		var err error
		if ch, err = changed(tx, models.Change{Kind: models.ChangeTargets, Indicator: indicator, Year: year}); err != nil {
			return err
		}
		return auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditTarget,
			Subject: fmt.Sprintf("%s %d", indicator, year), Before: before, After: fmt.Sprint(value)})
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return err
}
