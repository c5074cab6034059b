package importers

// Limits bounds what reading one file may cost, whatever the file claims about itself.
type Limits struct {
	// MaxFileBytes is the largest upload accepted. A filled template is about 20 KB.
	MaxFileBytes int64
	// MaxUnzippedBytes bounds the sum of the decompressed sizes of the workbook's parts.
	MaxUnzippedBytes int64
	// MaxCompressionRatio refuses a part that inflates more than this many times (zip bombs).
	MaxCompressionRatio int64
	// MaxEntries bounds the number of parts inside the workbook.
	MaxEntries int
	// MaxRows bounds the rows read from one sheet.
	MaxRows int
	// MaxColumns bounds the cells read from one row; cells beyond are ignored.
	MaxColumns int
}

// DefaultLimits returns the documented limits (docs/returns.md).
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:        5 << 20,
		MaxUnzippedBytes:    20 << 20,
		MaxCompressionRatio: 200,
		MaxEntries:          300,
		MaxRows:             1000,
		MaxColumns:          60,
	}
}
