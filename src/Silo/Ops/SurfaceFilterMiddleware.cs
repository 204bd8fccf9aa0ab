namespace SriovForwarder.Silo.Ops;

/// <summary>
/// Runs after routing: a request whose endpoint belongs to another listener (or to none) than the one it arrived on
/// gets 404, as if the endpoint did not exist there.
/// </summary>
public sealed class SurfaceFilterMiddleware(RequestDelegate next)
{
    /// <summary>Lets the request through only when its endpoint is served on its connection's listener.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetEndpoint() is { } endpoint)
        {
            var arrivedOn = context.Features.Get<ListenerSurfaceFeature>()?.Surface;
            var servedOn = endpoint.Metadata.GetMetadata<ServedOn>()?.Surface;
            if (arrivedOn is null || servedOn != arrivedOn)
            {
                context.SetEndpoint(null);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
        }

        return next(context);
    }
}
