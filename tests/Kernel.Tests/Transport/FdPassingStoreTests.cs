using SriovForwarder.Kernel.Transport.FdPassing;

namespace SriovForwarder.Kernel.Tests.Transport;

/// <summary>The grpcfd receiving store: inode URLs, one claim per arrival, nothing kept once every call is done.</summary>
public sealed class FdPassingStoreTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Theory]
    [InlineData("inode://4/4026532890", 4UL, 4026532890UL)]
    [InlineData("inode://2049//12345", 2049UL, 12345UL)]
    public void TryParse_GrpcfdUrls_ReadsDeviceAndInode(string url, ulong device, ulong inode)
    {
        Assert.True(InodeId.TryParse(url, out var id));
        Assert.Equal(new InodeId(device, inode), id);
    }

    [Theory]
    [InlineData("file:///proc/1/ns/net")]
    [InlineData("inode://4")]
    [InlineData("inode://x/12")]
    [InlineData("inode://4/-1")]
    public void TryParse_NotAGrpcfdUrl_IsRefused(string url) => Assert.False(InodeId.TryParse(url, out _));

    [Fact]
    public async Task AcquireAsync_DescriptorArrivesLater_WaiterGetsAUsableDuplicate()
    {
        using var store = new ReceivedFileDescriptors();
        var id = Identify(_file);
        var waiting = store.AcquireAsync(id, CancellationToken.None);

        store.Add(OpenRaw(_file));
        using var file = await waiting;

        Assert.Equal(id, Identify(file.ProcPath));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task Release_EveryArrivalClaimed_ClosesTheStoredDescriptor()
    {
        using var store = new ReceivedFileDescriptors();
        var id = Identify(_file);
        store.Add(OpenRaw(_file));
        store.Add(OpenRaw(_file));

        var first = await store.AcquireAsync(id, CancellationToken.None);
        first.Dispose();
        var afterFirst = store.Count;
        var second = await store.AcquireAsync(id, CancellationToken.None);
        second.Dispose();

        Assert.Equal(1, afterFirst);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task AcquireAsync_NeverArrives_CancelledByTheCaller()
    {
        using var store = new ReceivedFileDescriptors();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AcquireAsync(Identify(_file), cancel.Token));
    }

    // coreutils' stat prints st_dev as the same 64-bit dev_t number grpcfd puts in its URLs.
    private static InodeId Identify(string path)
    {
        var start = new System.Diagnostics.ProcessStartInfo("stat", ["-L", "-c", "%d %i", path]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var parts = process.StandardOutput.ReadToEnd().Split(' ', StringSplitOptions.TrimEntries);
        process.WaitForExit();
        return new InodeId(ulong.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static int OpenRaw(string path)
    {
        // The descriptor is handed over raw: marked invalid, the handle's dispose leaves it open.
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        var fd = (int)handle.DangerousGetHandle();
        handle.SetHandleAsInvalid();
        return fd;
    }
}
