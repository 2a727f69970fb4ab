module github.com/futugw/gateway/services/order

go 1.26.0
