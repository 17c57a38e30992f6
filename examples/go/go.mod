module github.com/meshauth/meshauth/examples/go

go 1.22

require github.com/meshauth/meshauth-go v0.0.0

replace github.com/meshauth/meshauth-go => ../../bindings-c/go
