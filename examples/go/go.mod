module example.invalid/meshauth/examples/go

go 1.22

require example.invalid/meshauth/bindings-c/go v0.0.0

replace example.invalid/meshauth/bindings-c/go => ../../bindings-c/go
