module github.com/meshauth/meshauth-go

go 1.22
