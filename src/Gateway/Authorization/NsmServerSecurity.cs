using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Gateway.Grpc;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Security.Authorization;
using SriovForwarder.Security.Tokens;

namespace SriovForwarder.Gateway.Authorization;

/// <summary>
/// NSM security of our NetworkService and MonitorConnection, checked in the gateway before a call reaches the connection
/// grain, so that a refused call starts no chain and holds nothing: the path tokens (upstream's updatetoken), the server
/// policies (its authorize), and which SPIFFE ID owns which connection. Off in plaintext mode (no SVID source, so no
/// <see cref="NsmTokenSource.Generator"/>): every method then lets the call through unchanged, today's behaviour.
/// </summary>
public sealed partial class NsmServerSecurity
{
    private readonly string _name;
    private readonly ICallerCertificate _callers;
    private readonly ILogger<NsmServerSecurity> _logger;
    private readonly ConnectionOwners _owners;
    private readonly NetworkServiceAuthorizer? _authorizer;

    /// <summary>Security on when <paramref name="tokens"/> can sign (SPIFFE mode), off otherwise.</summary>
    public NsmServerSecurity(
        IOptions<NsmEndpointOptions> options, ICallerCertificate callers, TimeProvider time, ILogger<NsmServerSecurity> logger,
        NsmTokenSource? tokens = null, ConnectionOwners? owners = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _name = options.Value.Name;
        _callers = callers;
        _logger = logger;
        _owners = owners ?? new ConnectionOwners();
        _authorizer = tokens?.Generator is { } generator ? new NetworkServiceAuthorizer(generator, _owners, time) : null;
    }

    /// <summary>Whether tokens and policies apply (SPIFFE mode).</summary>
    public bool Enabled => _authorizer is not null;

    /// <summary>
    /// Fills the tokens of <paramref name="request"/>'s path (the caller's per-RPC token into its segment, our token for
    /// the caller into ours, which is added when missing) and checks the server policies for our connection
    /// <paramref name="id"/>. Throws PermissionDenied naming the failed policy.
    /// </summary>
    public void AuthorizeRequest(NetworkServiceRequest request, string id, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (_authorizer is null)
        {
            return;
        }

        var pointed = Check("Request", request.Connection, id, context);
        // The caller's index stays: the chain's updatepath finds our segment, now with its token, after it.
        request.Connection.Path ??= new Api.Nsm.Connection.Path();
        request.Connection.Path.PathSegments.Clear();
        request.Connection.Path.PathSegments.Add(pointed.PathSegments);
    }

    /// <summary>Checks a Close of our connection <paramref name="id"/> as a Request is checked; throws PermissionDenied naming the failed policy.</summary>
    public void AuthorizeClose(Connection connection, string id, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_authorizer is not null)
        {
            Check("Close", connection, id, context);
        }
    }

    /// <summary>Records the caller of a successful Request as the owner of our connection <paramref name="id"/>.</summary>
    public void Established(string id, ServerCallContext context)
    {
        if (_authorizer is not null && CertificateSpiffeId.Of(_callers.Of(context)) is { } owner)
        {
            _owners.Record(id, owner);
        }
    }

    /// <summary>Forgets the owner of our connection <paramref name="id"/> after a successful Close.</summary>
    public void Closed(string id) => _owners.Forget(id);

    /// <summary>
    /// Which connections a MonitorConnections subscriber may see (by our segment id, which the events carry): in SPIFFE mode those its
    /// SPIFFE ID made; null (all) in plaintext mode.
    /// </summary>
    public Func<string, bool>? MonitorVisibility(ServerCallContext context)
    {
        if (_authorizer is null)
        {
            return null;
        }

        var subscriber = CertificateSpiffeId.Of(_callers.Of(context));
        return connectionId => subscriber is not null && _owners.Owns(subscriber, connectionId);
    }

    private Api.Nsm.Connection.Path Check(string method, Connection connection, string id, ServerCallContext context)
    {
        var caller = _callers.Of(context);
        var pointed = connection.Clone();
        ForwarderPath.Update(pointed, _name, id);
        var failed = _authorizer!.Check(pointed.Path, id, context.RequestHeaders, caller, out var previousFilled);
        if (!previousFilled && pointed.Path.Index >= 1)
        {
            LogNoCallerToken(_logger, method, id);
        }

        if (failed is not null)
        {
            LogPolicyFailed(_logger, method, id, CertificateSpiffeId.Of(caller) ?? "(no certificate)", failed);
            throw NetworkServiceAuthorizer.Refusal(failed);
        }

        return pointed.Path;
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "{Method} of connection {ConnectionId}: policy failed: {Policy} (caller {Caller}); refused with PermissionDenied")]
    private static partial void LogPolicyFailed(ILogger logger, string method, string connectionId, string caller, string policy);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "{Method} of connection {ConnectionId}: the call carries no single nsm-client-token with a valid nsm-client-token-expires; the previous path segment keeps the token it had")]
    private static partial void LogNoCallerToken(ILogger logger, string method, string connectionId);
}
