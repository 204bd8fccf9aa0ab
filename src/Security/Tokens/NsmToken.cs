namespace SriovForwarder.Security.Tokens;

/// <summary>
/// A token this forwarder made: the JWS compact text and its expiry with full precision (the JWT's <c>exp</c> is the same
/// instant cut to whole seconds). The expiry goes into <c>nsm-client-token-expires</c> and <c>PathSegment.expires</c>.
/// </summary>
public sealed record NsmToken(string Value, DateTimeOffset Expires);
