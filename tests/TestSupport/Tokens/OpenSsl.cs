using System.Diagnostics;
using System.Formats.Asn1;

namespace SriovForwarder.TestSupport.Tokens;

/// <summary>The <c>openssl</c> command, the independent check of our ES256 signatures and the maker of a peer's tokens.</summary>
public static class OpenSsl
{
    /// <summary>Runs <c>openssl args</c> in <paramref name="folder"/>; returns exit code and combined output.</summary>
    public static (int Code, string Output) Run(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }

    /// <summary>A JWS r||s signature (two 32-byte big-endian integers) as the DER <c>ECDSA-Sig-Value</c> openssl reads.</summary>
    public static byte[] RawToDer(ReadOnlySpan<byte> signature)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(signature[..32]);
            writer.WriteIntegerUnsigned(signature[32..]);
        }

        return writer.Encode();
    }

    /// <summary>openssl's DER <c>ECDSA-Sig-Value</c> as the JWS r||s form (each integer left-padded to 32 bytes).</summary>
    public static byte[] DerToRaw(byte[] der)
    {
        var sequence = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var raw = new byte[64];
        Fixed(sequence.ReadIntegerBytes().Span).CopyTo(raw.AsSpan(0, 32));
        Fixed(sequence.ReadIntegerBytes().Span).CopyTo(raw.AsSpan(32, 32));
        return raw;

        static ReadOnlySpan<byte> Fixed(ReadOnlySpan<byte> integer)
        {
            var trimmed = integer.TrimStart((byte)0);
            var padded = new byte[32];
            trimmed.CopyTo(padded.AsSpan(32 - trimmed.Length));
            return padded;
        }
    }
}
