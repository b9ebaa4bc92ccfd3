// Package authres reads what receivers record about a message's
// authentication, field by field:
//
//   - RFC 8601 Authentication-Results (ParseAuthResults), the same syntax
//     as Microsoft's X-MS-Exchange-Authentication-Results;
//   - RFC 8617 ARC fields: ARC-Seal, ARC-Message-Signature and
//     ARC-Authentication-Results (the structure of the chain is checked by
//     package headers, which sees all the fields);
//   - RFC 7208 §9.1 Received-SPF.
//
// Result words are typed (Result, CV) with the RFC sections they come from.
// Parsers are lenient the way receivers' output requires and never fail
// outright: they return what they could read with a typed error that says
// where the rest broke. The package is pure: no network, no terminal.
package authres
