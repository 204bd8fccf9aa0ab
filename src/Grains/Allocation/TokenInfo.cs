namespace SriovForwarder.Grains.Allocation;

/// <summary>A read-only view of one token for snapshots.</summary>
/// <param name="Id">The token id.</param>
/// <param name="Name">The token (resource) name.</param>
/// <param name="State">The current state.</param>
/// <param name="ClosedBy">For a closed token, the id of the in-use token it was closed for; otherwise null.</param>
public sealed record TokenInfo(string Id, string Name, TokenState State, string? ClosedBy);
