using System.Diagnostics;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Telemetry;

namespace SriovForwarder.Grains.Chain;

/// <summary>An element bound to the rest of the chain after it; each call is one span (a child of the previous element's).</summary>
internal sealed class ChainLink(IChainElement element, IChainNext next) : IChainNext
{
    private readonly string _spanName = ForwarderActivitySource.SpanName(element);

    public IChainElement Element => element;

    public IChainNext Next => next;

    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context)
    {
        using var span = Start("Request", context);
        try
        {
            return await element.RequestAsync(request, context, next);
        }
        catch (Exception ex) when (Fail(span, ex))
        {
            throw;
        }
    }

    public async Task CloseAsync(Connection connection, ChainContext context)
    {
        using var span = Start("Close", context);
        try
        {
            await element.CloseAsync(connection, context, next);
        }
        catch (Exception ex) when (Fail(span, ex))
        {
            throw;
        }
    }

    // A segment (a mechanism's branch) is a container: its elements make their own spans.
    private Activity? Start(string method, ChainContext context) =>
        element is ChainSegment ? null : ForwarderActivitySource.Source.StartActivity($"{_spanName} {method}")
            ?.SetTag("nsm.connection.id", context.ConnectionId)
            .SetTag("nsm.chain.element", _spanName);

    private static bool Fail(Activity? span, Exception ex)
    {
        span?.SetStatus(ActivityStatusCode.Error, ex.Message);
        return false;
    }
}
