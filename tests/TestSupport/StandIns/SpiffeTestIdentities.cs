using Microsoft.Extensions.Logging.Abstractions;
using SriovForwarder.Api.Spiffe;
using SriovForwarder.Security.Spiffe;
using SriovForwarder.Security.Spiffe.Tls;
using SriovForwarder.Security.Spiffe.WorkloadApi;
using SriovForwarder.TestSupport.Tokens;

namespace SriovForwarder.TestSupport.StandIns;

/// <summary>Trust domain example.org (forwarder, nsmgr) and a foreign one, evil.org, with SVIDs as the agent would send them.</summary>
public sealed class SpiffeTestIdentities : IDisposable
{
    public SpiffeTestIdentities()
    {
        Example = SpiffeTestTrustDomain.Create("example.org");
        Foreign = SpiffeTestTrustDomain.Create("evil.org");
    }

    public SpiffeTestTrustDomain Example { get; }

    public SpiffeTestTrustDomain Foreign { get; }

    /// <summary>The agent's answer for <paramref name="path"/> in <paramref name="domain"/> (example.org by default), trusting only that domain.</summary>
    public X509SVIDResponse Answer(string path, SpiffeTestTrustDomain? domain = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        domain ??= Example;
        using var leaf = domain.Issue(path, notBefore, notAfter);
        return StandInSpiffeAgent.Answer(domain.IdOf(path), leaf, [domain.Root]);
    }

    /// <summary>The SVID our process would hold after the agent sent <see cref="Answer"/>.</summary>
    public X509Svid Svid(string path, SpiffeTestTrustDomain? domain = null) => X509SvidParser.Parse(Answer(path, domain));

    /// <summary>Credentials as our process would hold them for <paramref name="path"/>.</summary>
    public SvidCredentials Credentials(string path, SpiffeTestTrustDomain? domain = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        new(new FixedSvidSource(X509SvidParser.Parse(Answer(path, domain, notBefore, notAfter))));

    /// <summary>Our mutual TLS client with <paramref name="credentials"/>.</summary>
    public SpiffeClientTls Client(SvidCredentials credentials) => new(credentials, NullLogger<SpiffeClientTls>.Instance);

    public void Dispose()
    {
        Example.Dispose();
        Foreign.Dispose();
    }
}
