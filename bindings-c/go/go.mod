module example.invalid/meshauth/bindings-c/go

go 1.22
