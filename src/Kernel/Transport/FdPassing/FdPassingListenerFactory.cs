using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace SriovForwarder.Kernel.Transport.FdPassing;

/// <summary>Kestrel transport for <see cref="FdPassingUnixEndPoint"/> only; every other endpoint keeps Kestrel's socket transport.</summary>
public sealed class FdPassingListenerFactory(ILoggerFactory loggers) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    /// <inheritdoc />
    public bool CanBind(EndPoint endpoint) => endpoint is FdPassingUnixEndPoint;

    /// <inheritdoc />
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not FdPassingUnixEndPoint unix)
        {
            throw new NotSupportedException($"{endpoint} is not a unix socket with fd passing");
        }

        return ValueTask.FromResult<IConnectionListener>(FdPassingListener.Bind(unix, loggers.CreateLogger<FdPassingListener>()));
    }
}
