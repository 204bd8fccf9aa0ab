using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Gateway.Authorization;
using SriovForwarder.Gateway.Tests.Grpc;
using SriovForwarder.Security.Spiffe;
using SriovForwarder.Security.Tokens;
using SriovForwarder.TestSupport.Tokens;

namespace SriovForwarder.Gateway.Tests.Authorization;

/// <summary>
/// The forwarder's endpoint in SPIFFE mode (an SVID source registered: tokens and policies on): <see cref="ForwarderEndpointFixture"/>
/// with the security hooks. Identities come from a test trust domain; the TLS handshake that would hand the gateway the
/// caller's certificate is stood in for by <see cref="StandInCallerCertificates"/>.
/// </summary>
public sealed class SecuredForwarderFixture : ForwarderEndpointFixture
{
    public const string Node = "node-sec";
    public const string Name = "forwarder-sec";

    private readonly FixedSvidSource _svids;

    public SecuredForwarderFixture()
        : base(Node, Name)
    {
        // "impostor" has the NSMgr's SPIFFE ID with another key: what a forger could present without the NSMgr's key.
        foreach (var (name, path) in new[] { ("nsc", "nsc"), ("nsmgr", "nsmgr"), ("forwarder", "forwarder"), ("other", "other-nsmgr"), ("impostor", "nsmgr") })
        {
            Identities[name] = Domain.Issue(path);
        }

        _svids = new FixedSvidSource(Domain.Svid(Identities["forwarder"]));
    }

    public SpiffeTestTrustDomain Domain { get; } = SpiffeTestTrustDomain.Create("example.org");

    public Dictionary<string, X509Certificate2> Identities { get; } = new(StringComparer.Ordinal);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var certificate in Identities.Values)
        {
            certificate.Dispose();
        }

        Domain.Dispose();
    }

    protected override void AddToSiloAndEndpoint(IServiceCollection services)
    {
        services.AddSingleton<ISvidSource>(_svids);
        services.AddNsmTokens(TimeSpan.FromMinutes(10));
    }

    protected override void AddToEndpoint(IServiceCollection services) =>
        services.AddSingleton<ICallerCertificate>(new StandInCallerCertificates(Identities));
}
