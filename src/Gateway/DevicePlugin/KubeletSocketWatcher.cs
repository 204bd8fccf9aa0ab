namespace SriovForwarder.Gateway.DevicePlugin;

/// <summary>
/// Watches the device-plugin folder with inotify (FileSystemWatcher) and wakes the registration loop
/// whenever <c>kubelet.sock</c> is created or a file is deleted; counts kubelet socket creations.
/// Where the folder does not exist yet, the loop's periodic check carries on alone.
/// </summary>
public sealed class KubeletSocketWatcher(string folder) : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private FileSystemWatcher? _watcher;
    private long _kubeletCreations;

    /// <summary>How many times a <c>kubelet.sock</c> creation was seen.</summary>
    public long KubeletCreations => Interlocked.Read(ref _kubeletCreations);

    /// <summary>True while the file-system watch is active.</summary>
    public bool Watching => _watcher is not null;

    /// <summary>Starts the watch if it is not running and the folder exists; returns whether it runs.</summary>
    public bool TryStart()
    {
        if (_watcher is not null)
        {
            return true;
        }

        if (!Directory.Exists(folder))
        {
            return false;
        }

        try
        {
            var watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = false };
            watcher.Created += (_, e) => OnChange(e.Name, created: true);
            watcher.Deleted += (_, e) => OnChange(e.Name, created: false);
            watcher.Renamed += (_, e) => OnChange(e.Name, created: true);
            watcher.Error += (_, _) => Restart();
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
            return true;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Waits for a file-system event or <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _wake.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public void Dispose()
    {
        _watcher?.Dispose();
        _wake.Dispose();
    }

    private void OnChange(string? name, bool created)
    {
        if (created && name == KubeletSocketFile.Name)
        {
            Interlocked.Increment(ref _kubeletCreations);
        }

        Wake();
    }

    private void Restart()
    {
        // The watch overflowed or its folder vanished (kubelet's folder re-created): start over on the next check.
        var old = Interlocked.Exchange(ref _watcher, null);
        old?.Dispose();
        Interlocked.Increment(ref _kubeletCreations);
        Wake();
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake-up is already pending: one is enough.
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
