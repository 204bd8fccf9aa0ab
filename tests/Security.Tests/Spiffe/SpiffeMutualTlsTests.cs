using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using SriovForwarder.Security.Spiffe;
using SriovForwarder.Security.Spiffe.Tls;
using SriovForwarder.TestSupport.StandIns;

namespace SriovForwarder.Security.Tests.Spiffe;

/// <summary>Real TLS handshakes over loopback between our server options and our client, each with its own SVID.</summary>
public sealed class SpiffeMutualTlsTests : IDisposable
{
    private readonly SpiffeTestIdentities _identities = new();

    [Fact]
    public async Task Handshake_BothInTrustDomain_EachSeesTheOthersSpiffeId()
    {
        var server = _identities.Credentials("forwarder");
        var client = _identities.Client(_identities.Credentials("nsmgr"));

        var (clientStream, serverStream, serverError) = await HandshakeAsync(server, client);

        await using (clientStream)
        await using (serverStream)
        {
            Assert.Null(serverError);
            Assert.Equal(SslApplicationProtocol.Http2, ((SslStream)clientStream!).NegotiatedApplicationProtocol);
            Assert.Equal("spiffe://example.org/nsmgr", PeerIdentity.FromCertificate(serverStream!.RemoteCertificate as System.Security.Cryptography.X509Certificates.X509Certificate2)?.Id.ToString());
            Assert.Equal("spiffe://example.org/forwarder", client.ServerOf("tcp://test")?.Id.ToString());
        }
    }

    [Fact]
    public async Task Handshake_ClientOfForeignTrustDomain_ServerRefusesNamingTheDomain()
    {
        var server = _identities.Credentials("forwarder");
        var client = _identities.Client(_identities.Credentials("nsmgr", _identities.Foreign));

        var (clientStream, serverStream, serverError) = await HandshakeAsync(server, client);

        Assert.Null(serverStream);
        Assert.Contains("trust domain 'evil.org'", serverError, StringComparison.Ordinal);
        if (clientStream is not null)
        {
            await clientStream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Handshake_ServerOfForeignTrustDomain_ClientRefuses()
    {
        var server = _identities.Credentials("forwarder", _identities.Foreign);
        var client = _identities.Client(_identities.Credentials("nsmgr"));

        var failure = await Assert.ThrowsAsync<IOException>(() => HandshakeAsync(server, client, expectClientFailure: true));

        Assert.Contains("evil.org", failure.Message, StringComparison.Ordinal);
        Assert.Null(client.ServerOf("tcp://test"));
    }

    [Fact]
    public async Task Handshake_ClientWithoutCertificate_ServerRefuses()
    {
        var server = _identities.Credentials("forwarder");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = AcceptAsync(listener, server);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        await using var plain = new SslStream(tcp.GetStream(), false);
        var clientHandshake = plain.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = string.Empty,
            ApplicationProtocols = SpiffeTlsProtocols.Alpn,
            // The server is ours; this client only lacks a certificate of its own.
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.Subject.Contains("forwarder", StringComparison.Ordinal) == true,
        });

        var (serverStream, serverError) = await accepted;

        Assert.Null(serverStream);
        Assert.Contains("presented no certificate", serverError, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await clientHandshake;
            // TLS 1.3 finishes the client's side before the server has checked it: the refusal shows on the first read.
            var buffer = new byte[1];
            if (await plain.ReadAsync(buffer) == 0)
            {
                throw new IOException("closed by the server");
            }
        });
    }

    [Fact]
    public async Task Handshake_ClientCertificateExpired_ServerRefuses()
    {
        var server = _identities.Credentials("forwarder");
        var client = _identities.Client(_identities.Credentials("nsmgr", notBefore: DateTimeOffset.UtcNow.AddHours(-2), notAfter: DateTimeOffset.UtcNow.AddMinutes(-5)));

        var (clientStream, serverStream, serverError) = await HandshakeAsync(server, client);

        Assert.Null(serverStream);
        Assert.Contains("NotTimeValid", serverError, StringComparison.Ordinal);
        if (clientStream is not null)
        {
            await clientStream.DisposeAsync();
        }
    }

    public void Dispose() => _identities.Dispose();

    private static async Task<(Stream? Client, SslStream? Server, string? ServerError)> HandshakeAsync(
        SvidCredentials server, SpiffeClientTls client, bool expectClientFailure = false)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = AcceptAsync(listener, server);
        // Owned by the client stream once secured; disposed here when the server refuses.
#pragma warning disable CA2000
        var tcp = new TcpClient();
#pragma warning restore CA2000
        await tcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        Stream? clientStream = null;
        try
        {
            clientStream = await client.SecureAsync(tcp.GetStream(), "tcp://test", CancellationToken.None);
        }
        catch (IOException) when (!expectClientFailure)
        {
            // The server refused: its side says why.
            tcp.Dispose();
        }

        var (serverStream, serverError) = await accepted;
        return (clientStream, serverStream, serverError);
    }

    private static async Task<(SslStream? Stream, string? Error)> AcceptAsync(TcpListener listener, SvidCredentials credentials)
    {
        var socket = await listener.AcceptTcpClientAsync();
        var tls = new SslStream(socket.GetStream(), false);
        string? refusal = null;
        var options = SpiffeServerTls.ServerOptions(credentials, NullLogger.Instance, "test", "1");
        var verify = options.RemoteCertificateValidationCallback!;
        options.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
        {
            var ok = credentials.Verify(certificate, chain, out _, out refusal);
            return verify(sender, certificate, chain, errors) && ok;
        };
        try
        {
            await tls.AuthenticateAsServerAsync(options);
            return (tls, null);
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            await tls.DisposeAsync();
            socket.Dispose();
            // The validation callback sets refusal during the handshake; the analyzer does not follow the capture.
#pragma warning disable CA1508
            return (null, refusal ?? e.Message);
#pragma warning restore CA1508
        }
    }
}
