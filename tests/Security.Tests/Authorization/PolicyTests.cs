using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using SriovForwarder.Security.Authorization;
using SriovForwarder.Security.Tokens;
using SriovForwarder.TestSupport.Tokens;

namespace SriovForwarder.Security.Tests.Authorization;

/// <summary>Each built-in policy on the path NSC(0) → NSMgr(1) → forwarder(2), passing and failing.</summary>
public sealed class PolicyTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly SpiffeTestTrustDomain _domain = SpiffeTestTrustDomain.Create("example.org");
    private readonly X509Certificate2 _nsc;
    private readonly X509Certificate2 _nsmgr;
    private readonly X509Certificate2 _forwarder;
    private readonly X509Certificate2 _impostor;

    public PolicyTests()
    {
        _nsc = _domain.Issue("nsc");
        _nsmgr = _domain.Issue("nsmgr");
        _forwarder = _domain.Issue("forwarder");
        _impostor = _domain.Issue("nsmgr"); // the same SPIFFE ID, another key: what a forger would have
    }

    [Fact]
    public void ServerPolicies_ChainedSignedUnexpiredPath_AllPass()
    {
        Assert.Null(BuiltInPolicies.Server.FirstFailure(Input(), Now));
        Assert.Equal(["tokens_valid", "tokens_expired", "tokens_chained", "prev_token_signed"], BuiltInPolicies.Server.Policies.Select(p => p.Name));
    }

    [Fact]
    public void TokensValid_FailsOnATokenThatIsNotAJwt()
    {
        var input = Input() with { Tokens = [Token(_nsc, _nsmgr), "not-a-jwt", Token(_forwarder, _nsmgr)] };

        Assert.True(new TokensValidPolicy().Allows(Input(), Now));
        Assert.False(new TokensValidPolicy().Allows(input, Now));
        Assert.Equal("tokens_valid", BuiltInPolicies.Server.FirstFailure(input, Now)?.Name);
    }

    [Fact]
    public void TokensExpired_FailsWhenAnyTokenExpired()
    {
        var input = Input() with { Tokens = [Token(_nsc, _nsmgr), Token(_nsmgr, _forwarder, expires: Now.AddSeconds(-1)), Token(_forwarder, _nsmgr)] };

        Assert.True(new TokensExpiredPolicy().Allows(Input(), Now));
        Assert.False(new TokensExpiredPolicy().Allows(input, Now));
        Assert.Equal("tokens_expired", BuiltInPolicies.Server.FirstFailure(input, Now)?.Name);
    }

    [Fact]
    public void TokensChained_FailsWhenATokensAudienceIsNotTheNextSubject()
    {
        var input = Input() with { Tokens = [Token(_nsc, _forwarder), Token(_nsmgr, _forwarder), Token(_forwarder, _nsmgr)] };

        Assert.True(new TokensChainedPolicy().Allows(Input(), Now));
        Assert.False(new TokensChainedPolicy().Allows(input, Now));
        Assert.Equal("tokens_chained", BuiltInPolicies.Server.FirstFailure(input, Now)?.Name);
    }

    [Fact]
    public void PrevTokenSigned_FailsForAForgedTokenNoCallerCertificateOrIndexZero()
    {
        var forged = Input() with { Tokens = [Token(_nsc, _nsmgr), Token(_impostor, _forwarder), Token(_forwarder, _nsmgr)] };

        Assert.True(new PrevTokenSignedPolicy().Allows(Input(), Now));
        Assert.False(new PrevTokenSignedPolicy().Allows(forged, Now));
        Assert.Equal("prev_token_signed", BuiltInPolicies.Server.FirstFailure(forged, Now)?.Name);
        Assert.False(new PrevTokenSignedPolicy().Allows(Input() with { PeerCertificate = null }, Now));
        Assert.False(new PrevTokenSignedPolicy().Allows(Input() with { Index = 0 }, Now));
    }

    [Fact]
    public void NextTokenSigned_PassesOnlyWhenTheServerSignedTheSegmentAfterOurs()
    {
        var registryPath = new PolicyInput([Token(_forwarder, _nsmgr), Token(_nsmgr, _forwarder)], 0, _nsmgr);

        Assert.True(new NextTokenSignedPolicy().Allows(registryPath, Now));
        Assert.False(new NextTokenSignedPolicy().Allows(registryPath with { PeerCertificate = _impostor }, Now));
        Assert.False(new NextTokenSignedPolicy().Allows(registryPath with { Tokens = [registryPath.Tokens[0]] }, Now));
    }

    [Fact]
    public void RegistryClientAllowed_NewNameOrSameIdentityPasses_OtherIdentityFails()
    {
        var input = new PolicyInput([], 0, null) { ResourceId = "spiffe://example.org/forwarder", ResourceName = "sriov-forwarder" };
        var policy = new RegistryClientAllowedPolicy();

        Assert.True(policy.Allows(input, Now));
        Assert.True(policy.Allows(input with { ResourcePathIds = new Dictionary<string, IReadOnlyList<string>> { ["sriov-forwarder"] = ["spiffe://example.org/forwarder", "spiffe://example.org/nsmgr"] } }, Now));
        Assert.False(policy.Allows(input with { ResourcePathIds = new Dictionary<string, IReadOnlyList<string>> { ["sriov-forwarder"] = ["spiffe://example.org/other", "spiffe://example.org/nsmgr"] } }, Now));
    }

    public void Dispose()
    {
        _nsc.Dispose();
        _nsmgr.Dispose();
        _forwarder.Dispose();
        _impostor.Dispose();

        _domain.Dispose();
    }

    private PolicyInput Input() => new([Token(_nsc, _nsmgr), Token(_nsmgr, _forwarder), Token(_forwarder, _nsmgr)], 2, _nsmgr);

    private string Token(X509Certificate2 signer, X509Certificate2 audience, DateTimeOffset? expires = null)
    {
        var lifetime = TimeSpan.FromMinutes(10);
        var time = new FakeTimeProvider((expires ?? Now.AddMinutes(5)) - lifetime);
        return new NsmTokenGenerator(new FixedSvidSource(_domain.Svid(signer)), lifetime, time).Generate(audience).Value;
    }
}
