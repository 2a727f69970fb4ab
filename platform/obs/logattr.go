package obs

import "log/slog"

// ErrorKey is the log attribute key of an error, in every process of the project.
const ErrorKey = "error"

// Err is err's log attribute: its text under ErrorKey, or nothing when err is nil
// (handlers drop an empty attribute).
func Err(err error) slog.Attr {
	if err == nil {
		return slog.Attr{}
	}
	return slog.String(ErrorKey, err.Error())
}

// OrDiscard returns log, or a logger that drops everything when log is nil: the one
// default of every package that takes an optional logger.
func OrDiscard(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return log
}
