package importers

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"ruralkpi/models"
	"strings"
	"unicode/utf8"

	"github.com/richardlehane/mscfb"
)

// Signatures of the file formats clerks upload by mistake.
const (
	sigZip = "PK\x03\x04"
	sigCFB = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
	sigPDF = "%PDF"
	sigPNG = "\x89PNG"
	sigJPG = "\xFF\xD8\xFF"
)

// hasSig reports whether data starts with a signature.
func hasSig(data []byte, sig string) bool { return bytes.HasPrefix(data, []byte(sig)) }

// fixXLSX is the advice appended to every wrong-format message.
const fixXLSX = "请在 Excel 或 WPS 中打开，选择“另存为”→“Excel 工作簿（*.xlsx）”后再上传；最好直接使用本系统下载的月报模板填报。"

// CheckFormat tells whether the bytes are an .xlsx workbook this reader may open. When they are not,
// it says what they are and how to fix it; when the archive would inflate beyond the limits, it says so.
func CheckFormat(data []byte, lim Limits) []models.Problem {
	file := func(msg string) []models.Problem { return []models.Problem{{Message: msg}} }
	switch {
	case len(data) == 0:
		return file("文件是空的（0 字节）。请重新选择填好的月报文件上传。")
	case hasSig(data, sigCFB):
		return file(describeCFB(data))
	case hasSig(data, sigPDF):
		return file("这是 PDF 文件，不是 Excel 工作簿，系统无法读取其中的数字。" + fixXLSX)
	case hasSig(data, sigPNG), hasSig(data, sigJPG):
		return file("这是图片，不是 Excel 工作簿。请上传填好的月报 .xlsx 文件，不要上传截图或照片。")
	case hasSig(data, sigZip):
		return checkZip(data, lim)
	}
	head := strings.ToLower(strings.TrimSpace(string(bytes.TrimPrefix(data[:min(len(data), 4096)], []byte("\xef\xbb\xbf")))))
	switch {
	case strings.HasPrefix(head, "<?xml") && strings.Contains(head, "urn:schemas-microsoft-com:office:spreadsheet"):
		return file("这是 Excel 2003 XML 表格（.xml），不是 .xlsx 工作簿。" + fixXLSX)
	case strings.HasPrefix(head, "<html"), strings.HasPrefix(head, "<!doctype html"), strings.HasPrefix(head, "<table"),
		strings.Contains(head, "<html"):
		return file("这是网页（HTML）格式的文件，虽然扩展名可能是 .xls，但不是真正的 Excel 工作簿。" + fixXLSX)
	case looksLikeText(data):
		return file("这是 CSV 或纯文本文件，不是 Excel 工作簿；CSV 无法保存模板中受保护的单位、月份信息。" + fixXLSX)
	}
	return file("无法识别的文件，不是 Excel 工作簿（.xlsx）。请上传用本系统下载的月报模板填好后的文件。")
}

// describeCFB names what an OLE2 compound file holds: an encrypted .xlsx, a legacy .xls, or a Word file.
func describeCFB(data []byte) string {
	r, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return "这是旧版 Office 格式的文件（.xls 等），且已损坏，无法读取。" + fixXLSX
	}
	names := map[string]bool{}
	for i := 0; i < 1000; i++ {
		e, err := r.Next()
		if err != nil {
			break
		}
		names[e.Name] = true
	}
	switch {
	case names["EncryptionInfo"] || names["EncryptedPackage"]:
		return "这个工作簿设置了打开密码（已加密），系统无法读取。请在 Excel 或 WPS 中打开，取消“用密码进行加密”（清空打开密码）后保存为 .xlsx 再上传。工作表保护不影响上传，无需取消。"
	case names["Workbook"] || names["Book"]:
		return "这是旧版 Excel 97-2003 工作簿（.xls），系统只接受 .xlsx。" + fixXLSX
	case names["WordDocument"]:
		return "这是 Word 文档（.doc），不是 Excel 工作簿。" + fixXLSX
	}
	return "这是旧版 Office 格式的文件，不是 .xlsx 工作簿。" + fixXLSX
}

// checkZip looks inside a zip archive before any spreadsheet library inflates it: the number of parts,
// their declared sizes and compression ratios (zip bombs), and what kind of document it is.
func checkZip(data []byte, lim Limits) []models.Problem {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return []models.Problem{{Message: "文件已损坏（压缩结构无法读取），请在 Excel 或 WPS 中重新保存为 .xlsx 后上传。"}}
	}
	bomb := []models.Problem{{Message: fmt.Sprintf("文件解压后过大（上限 %d MB）或压缩比异常，可能已损坏或含有恶意内容，系统拒收。请使用本系统下载的月报模板重新填报。", lim.MaxUnzippedBytes>>20)}}
	if len(zr.File) > lim.MaxEntries {
		return bomb
	}
	var total uint64
	var contentTypes, mimetype *zip.File
	hasVBA := false
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(lim.MaxUnzippedBytes) {
			return bomb
		}
		if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64/max(f.CompressedSize64, 1) > uint64(lim.MaxCompressionRatio) {
			return bomb
		}
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		switch {
		case name == "[content_types].xml":
			contentTypes = f
		case name == "mimetype":
			mimetype = f
		case strings.HasSuffix(name, "vbaproject.bin"):
			hasVBA = true
		}
	}
	// Inflate every part once, counting: archive/zip stops a part that grows past its declared size,
	// and a spreadsheet library would otherwise read a lying part silently truncated.
	for _, f := range zr.File {
		if ps := inflateCheck(f, lim); ps != nil {
			return ps
		}
	}
	if mimetype != nil {
		mt := readSmall(mimetype, 200)
		if strings.Contains(mt, "opendocument.spreadsheet") {
			return []models.Problem{{Message: "这是 OpenDocument 表格（.ods），不是 .xlsx 工作簿。请在 WPS 或 LibreOffice 中选择“另存为”→“Excel 2007-365 (.xlsx)”后再上传。"}}
		}
		return []models.Problem{{Message: "这是 OpenDocument 文档，不是 Excel 工作簿。" + fixXLSX}}
	}
	if contentTypes == nil {
		return []models.Problem{{Message: "这是一个普通的 zip 压缩包，不是 Excel 工作簿。请直接上传 .xlsx 文件本身，不要压缩打包。"}}
	}
	ct := readSmall(contentTypes, 1<<20)
	switch {
	case hasVBA || strings.Contains(ct, "macroEnabled"):
		return []models.Problem{{Message: "这是启用宏的工作簿（.xlsm），为安全起见系统不接受带宏的文件。请在 Excel 中选择“另存为”→“Excel 工作簿（*.xlsx）”后再上传。"}}
	case strings.Contains(ct, "wordprocessingml"):
		return []models.Problem{{Message: "这是 Word 文档（.docx），不是 Excel 工作簿。" + fixXLSX}}
	case strings.Contains(ct, "presentationml"):
		return []models.Problem{{Message: "这是 PowerPoint 演示文稿（.pptx），不是 Excel 工作簿。" + fixXLSX}}
	case !strings.Contains(ct, "spreadsheetml"):
		return []models.Problem{{Message: "这个文件不是 Excel 工作簿（.xlsx）。" + fixXLSX}}
	}
	return nil
}

// inflateCheck inflates one part into nothing, refusing a part larger or different than it declares.
func inflateCheck(f *zip.File, lim Limits) []models.Problem {
	if f.FileInfo().IsDir() {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return []models.Problem{{Message: "文件已损坏（其中的“" + Clip(f.Name, 40) + "”无法解压），请在 Excel 或 WPS 中重新保存为 .xlsx 后上传。"}}
	}
	defer rc.Close()
	n, err := io.Copy(io.Discard, io.LimitReader(rc, lim.MaxUnzippedBytes+1))
	if err != nil || n > lim.MaxUnzippedBytes || uint64(n) != f.UncompressedSize64 {
		return []models.Problem{{Message: "文件已损坏或含有异常的压缩内容（解压后的大小与文件声明不符），系统拒收。请在 Excel 或 WPS 中重新保存为 .xlsx，或使用本系统下载的模板重新填报。"}}
	}
	return nil
}

// readSmall reads at most n bytes of a zip part; a part that cannot be read reads as empty.
func readSmall(f *zip.File, n int64) string {
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, n))
	return string(b)
}

// looksLikeText reports whether the start of the file is text (UTF-8 or a legacy Chinese encoding):
// no NUL bytes and mostly printable.
func looksLikeText(data []byte) bool {
	head := data[:min(len(data), 4096)]
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	if utf8.Valid(head) {
		return true
	}
	control := 0
	for _, b := range head {
		if b < 0x20 && b != '\n' && b != '\r' && b != '\t' {
			control++
		}
	}
	return control*20 < len(head)
}
