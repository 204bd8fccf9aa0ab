using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.Grains.Chain;

/// <summary>The rest of the chain after an element: what an element calls as its explicit <c>next</c>.</summary>
public interface IChainNext
{
    /// <summary>Runs the rest of the chain for a Request.</summary>
    Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context);

    /// <summary>Runs the rest of the chain for a Close.</summary>
    Task CloseAsync(Connection connection, ChainContext context);
}
