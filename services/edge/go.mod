module github.com/futugw/gateway/services/edge

go 1.26.0
