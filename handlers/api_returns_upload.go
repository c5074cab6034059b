package handlers

import (
	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// versionJSON is a stored return version as the API shows it.
type versionJSON struct {
	ID         uint   `json:"id"`
	Number     int    `json:"number"`
	County     string `json:"county"`
	Period     string `json:"period"`
	Status     string `json:"status"`
	Source     string `json:"source"`
	FileName   string `json:"file_name"`
	FileHash   string `json:"file_hash"`
	UploadedBy string `json:"uploaded_by"`
	UploadedAt string `json:"uploaded_at"`
}

func toVersionJSON(v models.ReturnVersion) versionJSON {
	return versionJSON{ID: v.ID, Number: v.Number, County: v.UnitCode, Period: v.Period, Status: v.Status, Source: v.Source,
		FileName: v.FileName, FileHash: v.FileHash, UploadedBy: v.UploadedBy, UploadedAt: v.UploadedAt.Format("2006-01-02T15:04:05Z07:00")}
}

// valueJSON and milestoneJSON are a return's figures as the API shows them (snake_case, like every
// answer); a dry run stores nothing, so they carry no ids.
type valueJSON struct {
	Indicator string  `json:"indicator"`
	Value     float64 `json:"value"`
	Note      string  `json:"note"`
}

type milestoneJSON struct {
	Indicator string `json:"indicator"`
	State     string `json:"state"`
	DoneOn    string `json:"done_on"`
	Note      string `json:"note"`
}

func toValuesJSON(vs []models.ReturnValue) []valueJSON {
	out := make([]valueJSON, len(vs))
	for i, v := range vs {
		out[i] = valueJSON{Indicator: v.Indicator, Value: v.Value, Note: v.Note}
	}
	return out
}

func toMilestonesJSON(ms []models.MilestoneReport) []milestoneJSON {
	out := make([]milestoneJSON, len(ms))
	for i, m := range ms {
		out[i] = milestoneJSON{Indicator: m.Indicator, State: m.State, DoneOn: m.DoneOn, Note: m.Note}
	}
	return out
}

// apiReturnUpload imports a return (multipart "file"): 201 with the version and warnings, 422 with
// every problem and nothing stored; ?dry_run=1 shows what would be stored without storing.
func (s *Server) apiReturnUpload(c *fiber.Ctx) error {
	dryRun := c.QueryBool("dry_run") || c.FormValue("dry_run") == "1"
	up, err := s.importUpload(c, dryRun)
	if err != nil {
		return err
	}
	out := up.out
	warnings := nonNil(out.Warnings)
	switch {
	case !out.OK():
		return c.Status(fiber.StatusUnprocessableEntity).JSON(fiber.Map{"errors": out.Problems,
			"error": apiErrorBody{Code: models.EInvalid, Message: "月报未通过检查，未保存任何数据。"}})
	}
	flags, err := s.apiQualityFlags(out.Return.UnitCode, out.Return.Period, figures(out.Return.Values))
	if err != nil {
		return err
	}
	if dryRun {
		return c.JSON(fiber.Map{"dry_run": true, "county": out.Return.UnitCode, "period": out.Return.Period,
			"values": toValuesJSON(out.Return.Values), "milestones": toMilestonesJSON(out.Return.Milestones), "warnings": warnings,
			"previous_version": out.Previous.Number, "changes": nonNil(out.Changes), "quality_flags": flags})
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"version": toVersionJSON(out.Version), "warnings": warnings,
		"changes": nonNil(out.Changes), "quality_flags": flags})
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
