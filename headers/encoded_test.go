package headers

import (
	"errors"
	"io"
	"mime"
	"strings"
	"testing"
)

func TestDecodeWords(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain text untouched", "Hello world", "Hello world"},
		{"Q with underscore", "=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=", "Keld Jørn Simonsen"},
		{"B UTF-8", "=?UTF-8?B?0JLRgNC10LzRjyDQv9GA0LjRiNC70L4=?=", "Время пришло"},
		{"space between words dropped", "=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", "a b"},
		{"space to plain text kept", "John =?US-ASCII?Q?Doe?= jr", "John Doe jr"},
		{"RFC 2231 language", "=?US-ASCII*EN?Q?Keith_Moore?=", "Keith Moore"},
		{"UTF-8 split across words", "=?UTF-8?Q?=E2=9C?= =?UTF-8?Q?=94?=", "✔"},
		{"GB2312 split across words", "=?GB2312?B?1cXP?= =?GB2312?B?yMn6?=", "张先生"},
		{"GB2312", "=?GB2312?B?tPq/qrj3tdjU9ta1y7C3osax?=", "代开各地增值税发票"},
		{"windows-1252", "=?Windows-1252?B?Rm9ybWHn428gRnJlbmV0aWtwb2xpcw==?=", "Formação Frenetikpolis"},
		{"windows-1251 (the last byte is a Latin a)", "=?windows-1251?B?wPLo6u7iYQ==?=", "\u0410\u0442\u0438\u043a\u043e\u0432a"},
		{"unknown charset kept visible", "=?x-klingon?Q?qapla?= ok", "=?x-klingon?Q?qapla?= ok"},
		{"broken base64 kept", "=?UTF-8?B?####?=", "=?UTF-8?B?####?="},
		{"not an encoded word", "=? <name@domain.com>", "=? <name@domain.com>"},
		{"half a word then a word", "=?ISO-8859-1?Q =?ISO-8859-1?Q?a?=", "=?ISO-8859-1?Q a"},
		{"invalid UTF-8 outside words kept", "caf\xe9 =?UTF-8?Q?ok?=", "caf\xe9 ok"},
		{"glued to text", "abc=?UTF-8?Q?x?=def", "abcxdef"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DecodeWords(tt.in); got != tt.want {
				t.Errorf("DecodeWords(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCharsetReaderWithWordDecoder(t *testing.T) {
	d := mime.WordDecoder{CharsetReader: CharsetReader}
	got, err := d.DecodeHeader("=?koi8-r?B?8NLJ18XU?=")
	if err != nil || got != "Привет" {
		t.Errorf("DecodeHeader = %q, %v", got, err)
	}
	_, err = CharsetReader("x-unknown", strings.NewReader(""))
	if !errors.Is(err, ErrUnknownCharset) {
		t.Errorf("unknown charset err = %v", err)
	}
	r, _ := CharsetReader("utf-8", strings.NewReader("x"))
	if b, _ := io.ReadAll(r); string(b) != "x" {
		t.Errorf("utf-8 passthrough = %q", b)
	}
}
