// Package secret reads secrets (passwords, API keys) from files, so they never appear
// in flag values or process listings. Every secret file of every binary is read here,
// with one trimming rule:
//
// A secret file holds one line. One trailing line ending ("\n" or "\r\n", as editors
// and `echo` add) is removed; nothing else is: spaces and tabs are part of the secret.
// A file holding a line break anywhere else, or nothing at all, is refused, because a
// secret that is empty or spans lines is surely a mistake.
package secret

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// ReadFile reads the secret held in the file at path, by the package's rule. The error
// names the file but never its content.
func ReadFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("secret file: %w", err)
	}
	s, err := Parse(b)
	if err != nil {
		return "", fmt.Errorf("secret file %s: %w", path, err)
	}
	return s, nil
}

// Parse applies the package's rule to the content of a secret file.
func Parse(b []byte) (string, error) {
	s := string(b)
	if t, ok := strings.CutSuffix(s, "\n"); ok {
		s = strings.TrimSuffix(t, "\r")
	}
	switch {
	case s == "":
		return "", errors.New("empty")
	case strings.ContainsAny(s, "\r\n"):
		return "", errors.New("holds more than one line")
	}
	return s, nil
}
