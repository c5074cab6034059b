package models

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// LoadPlan decodes and validates a plan file. Unknown fields are refused so that a misspelt field
// name is reported rather than silently ignored.
func LoadPlan(r io.Reader) (*Plan, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("models: read plan: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			line, col := position(data, syn.Offset)
			return nil, PlanErrors{{Field: fmt.Sprintf("line %d, column %d", line, col), Problem: syn.Error()}}
		case errors.As(err, &typ):
			return nil, PlanErrors{{Field: typ.Field, Problem: fmt.Sprintf("want a %s, found a JSON %s", typ.Type, typ.Value)}}
		default:
			return nil, PlanErrors{{Field: "plan", Problem: err.Error()}}
		}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if q := p.Quality; q.JumpZ < 0 || q.PaceMonths < 0 || q.SameDigitsMin < 0 || q.IdenticalMin < 0 || q.LedgerTolerance < 0 {
		return nil, PlanErrors{{Field: "quality", Problem: "thresholds must not be negative (0 or absent takes the default)"}}
	}
	return &p, nil
}

func position(data []byte, offset int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < offset && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
