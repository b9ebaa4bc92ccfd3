package paste

import (
	"unicode/utf16"
	"unicode/utf8"
)

// toText turns the raw input into the text Parse reads: a UTF-8 byte order
// mark is dropped, and UTF-16 (what Windows Notepad saves as "Unicode") is
// converted to UTF-8. Anything else is kept byte for byte, invalid UTF-8
// included.
func toText(raw []byte) (string, []Problem) {
	switch {
	case len(raw) >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF:
		return string(raw[3:]), nil
	case len(raw) >= 2 && raw[0] == 0xFF && raw[1] == 0xFE:
		return fromUTF16(raw[2:], false), []Problem{{Line: 1, Kind: RepairEncoding, Message: "the input is UTF-16 text (little-endian, with a byte order mark); it was converted to UTF-8"}}
	case len(raw) >= 2 && raw[0] == 0xFE && raw[1] == 0xFF:
		return fromUTF16(raw[2:], true), []Problem{{Line: 1, Kind: RepairEncoding, Message: "the input is UTF-16 text (big-endian, with a byte order mark); it was converted to UTF-8"}}
	case looksUTF16LE(raw):
		return fromUTF16(raw, false), []Problem{{Line: 1, Kind: RepairEncoding, Message: "the input looks like UTF-16 text without a byte order mark; it was converted to UTF-8"}}
	}
	return string(raw), nil
}

// looksUTF16LE reports whether raw starts like ASCII text saved as UTF-16LE
// without a byte order mark: a zero byte after every character.
func looksUTF16LE(raw []byte) bool {
	n := min(len(raw), 64) &^ 1
	if n < 16 {
		return false
	}
	for i := 0; i < n; i += 2 {
		if raw[i] == 0 || raw[i] >= 0x80 || raw[i+1] != 0 {
			return false
		}
	}
	return true
}

func fromUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if bigEndian {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	runes := utf16.Decode(u)
	out := make([]byte, 0, len(runes))
	for _, r := range runes {
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}
