module github.com/futugw/gateway/services/auth

go 1.26.0
