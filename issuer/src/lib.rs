//! meshauth-issuer (being built)
