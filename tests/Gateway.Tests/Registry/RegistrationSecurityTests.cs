using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SriovForwarder.Gateway.Registry;
using SriovForwarder.Gateway.Transport;
using SriovForwarder.Security.Authorization;
using SriovForwarder.Security.Tokens;
using SriovForwarder.TestSupport.Tokens;

namespace SriovForwarder.Gateway.Tests.Registry;

/// <summary>
/// Our registration's registry path metadata and, in SPIFFE mode, its per-RPC token and the registry client policies,
/// against a stand-in NSMgr on a real unix socket.
/// </summary>
public sealed class RegistrationSecurityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sriov-regsec-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly RecordingLogger<RegistrationService> _logger = new();
    private readonly SpiffeTestTrustDomain _domain = SpiffeTestTrustDomain.Create("example.org");
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _forwarder;
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _nsmgr;
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _impostor;
    private readonly TokenIssuingRegistry _registry;

    public RegistrationSecurityTests()
    {
        _forwarder = _domain.Issue("forwarder");
        _nsmgr = _domain.Issue("nsmgr");
        _impostor = _domain.Issue("nsmgr");
        _registry = new TokenIssuingRegistry(Generator(_nsmgr), _domain.IdOf("nsmgr"), _forwarder);
    }

    private string ConnectTo => "unix://" + Path.Combine(_folder, "nsm.io.sock");

    [Fact]
    public async Task Plaintext_FirstRegisterSendsTheEmptyPath_TheRefreshSendsTheReturnedOne_AndNoToken()
    {
        await using var server = await StartRegistryAsync();
        using var service = new RegistrationService(Options.Create(Options_(TimeSpan.FromSeconds(3))), _time, _logger);

        await service.StartAsync(CancellationToken.None);
        await _logger.WaitForAsync(2100);
        _time.Advance(TimeSpan.FromSeconds(3));
        await _logger.WaitForAsync(2101);
        await service.StopAsync(CancellationToken.None);

        var received = _registry.Received.ToArray();
        Assert.Equal("""{"Index":0,"PathSegments":null}""", received[0].Path);
        Assert.StartsWith("""{"Index":0,"PathSegments":[{"token":""}""", received[1].Path, StringComparison.Ordinal);
        Assert.All(received, r => Assert.Null(r.Token));
    }

    [Fact]
    public async Task Spiffe_RegistrySignedItsSegment_RegistersWithOurTokenForTheRegistry()
    {
        await using var server = await StartRegistryAsync();
        using var service = SpiffeService(out _);

        await service.StartAsync(CancellationToken.None);
        await _logger.WaitForAsync(2100);
        await service.StopAsync(CancellationToken.None);

        var (_, token) = _registry.Received.First();
        Assert.True(JwtToken.TryParse(token, out var jwt));
        Assert.Equal(_domain.IdOf("forwarder"), jwt.Subject);
        Assert.Equal([_domain.IdOf("nsmgr")], jwt.Audience);
        Assert.True(jwt.IsSignedBy(_forwarder));
        Assert.Equal(0, _logger.Count(7110));
    }

    [Fact]
    public async Task Spiffe_RegistrySegmentSignedByAnotherKey_FailsNextTokenSigned_IsUnregisteredAndNotRegistered()
    {
        _registry.Signer = Generator(_impostor);
        await using var server = await StartRegistryAsync();
        using var service = SpiffeService(out _);

        await service.StartAsync(CancellationToken.None);
        await _logger.WaitForAsync(7110);
        await service.StopAsync(CancellationToken.None);

        Assert.Contains(_logger.Lines, l => l.EventId == 7110 && l.Message.Contains("next_token_signed", StringComparison.Ordinal));
        Assert.NotEmpty(_registry.Unregistered);
        Assert.Equal(0, _logger.Count(2100));
        Assert.False(service.IsRegistered);
    }

    public void Dispose()
    {
        _forwarder.Dispose();
        _nsmgr.Dispose();
        _impostor.Dispose();
        _domain.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private RegistrationService SpiffeService(out PeerCertificates peers)
    {
        peers = new PeerCertificates();
        // What the mutual-TLS client records when it verifies the registry's certificate.
        peers.Remember(ConnectTo, _nsmgr);
        var tokens = new NsmTokenSource(Options.Create(new NsmTokenOptions()), _time, peers, new FixedSvidSource(_domain.Svid(_forwarder)));
        var options = Options_(TimeSpan.FromMinutes(10));
        options.ClientPolicies = RegistryClientPolicyMapping.Map(["etc/nsm/opa/common/.*.rego", "etc/nsm/opa/registry/.*.rego", "etc/nsm/opa/client/.*.rego"], _folder).Policies!;
        return new RegistrationService(Options.Create(options), _time, _logger, tokens: tokens);
    }

    private NsmTokenGenerator Generator(System.Security.Cryptography.X509Certificates.X509Certificate2 leaf) =>
        new(new FixedSvidSource(_domain.Svid(leaf)), TimeSpan.FromMinutes(10), _time);

    private RegistrationOptions Options_(TimeSpan lifetime) => new()
    {
        ConnectTo = ConnectTo,
        Name = "fwd-test",
        NetworkServiceName = "forwarder",
        Url = "unix:///run/fwd/listen_on.io.sock",
        PassSocketDescriptor = false,
        Lifetime = lifetime,
        FirstRetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    private Task<UnixSocketGrpcServer> StartRegistryAsync() =>
        UnixSocketGrpcServer.StartAsync(Path.Combine(_folder, "nsm.io.sock"), s => s.AddSingleton(_registry), e => e.MapGrpcService<TokenIssuingRegistry>());
}
