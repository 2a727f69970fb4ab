module github.com/futugw/gateway/services/quote

go 1.26.0
