using SriovForwarder.Api.Nsm.Connection;

namespace SriovForwarder.Grains.Chain;

/// <summary>
/// An element inside a mechanism branch whose post-work depends on the next hop's answer (MAC/VLAN, IP context):
/// resetmechanism skips the branch on a refresh of the same mechanism, so it hands the refreshed answer to these
/// elements to re-apply what changed. A failure fails the refresh and leaves the connection established.
/// </summary>
public interface IRefreshableElement
{
    /// <summary>Re-applies this element's post-work from <paramref name="result"/>, the refreshed answer of the rest of the chain.</summary>
    Task RefreshAsync(Connection result, ChainContext context);
}
