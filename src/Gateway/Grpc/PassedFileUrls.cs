using Grpc.Core;
using Microsoft.AspNetCore.Connections.Features;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Kernel.Transport.FdPassing;

namespace SriovForwarder.Gateway.Grpc;

/// <summary>
/// Upstream's recvfd server element: each <c>inodeURL</c> parameter of the offered and current mechanisms that names a
/// file passed with the call (<c>inode://dev/ino</c>) is replaced by <c>file:///proc/&lt;pid&gt;/fd/&lt;n&gt;</c> of our
/// copy of that descriptor for the duration of the call, and swapped back in the answer, so the chain can open the
/// client's network namespace and NSMgr sees its own URL again.
/// </summary>
public sealed class PassedFileUrls : IDisposable
{
    /// <summary>The mechanism parameter that carries a passed file.</summary>
    public const string Parameter = "inodeURL";

    private readonly List<ReceivedFile> _files = [];
    private readonly Dictionary<string, string> _originals = new(StringComparer.Ordinal);

    private PassedFileUrls()
    {
    }

    /// <summary>
    /// Rewrites the request's passed-file URLs. With <paramref name="required"/> (Request) a file that does not arrive
    /// within <paramref name="timeout"/> fails the call; otherwise (Close) its URL is left as it was.
    /// </summary>
    public static async Task<PassedFileUrls> ResolveAsync(
        IEnumerable<Mechanism?> mechanisms, ServerCallContext context, TimeSpan timeout, bool required)
    {
        var result = new PassedFileUrls();
        var parameters = mechanisms.OfType<Mechanism>()
            .Select(m => m.Parameters)
            .Where(p => p.TryGetValue(Parameter, out var url) && InodeId.IsInodeUrl(url))
            .ToList();
        if (parameters.Count == 0)
        {
            return result;
        }

        try
        {
            var store = StoreOf(context);
            var byUrl = new Dictionary<string, ReceivedFile>(StringComparer.Ordinal);
            foreach (var map in parameters)
            {
                var url = map[Parameter];
                if (!byUrl.TryGetValue(url, out var file))
                {
                    file = await result.AcquireAsync(store, url, context, timeout, required);
                    if (file is null)
                    {
                        continue;
                    }

                    byUrl[url] = file;
                }

                var local = "file://" + file.ProcPath;
                result._originals[local] = url;
                map[Parameter] = local;
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }

        return result;
    }

    /// <summary>Puts the caller's <c>inode://</c> URLs back into the answer.</summary>
    public void RestoreIn(Connection? connection)
    {
        if (connection?.Mechanism?.Parameters is { } map && map.TryGetValue(Parameter, out var url) && _originals.TryGetValue(url, out var original))
        {
            map[Parameter] = original;
        }
    }

    /// <summary>Closes this call's copies of the passed descriptors.</summary>
    public void Dispose() => _files.ForEach(f => f.Dispose());

    private async Task<ReceivedFile?> AcquireAsync(ReceivedFileDescriptors? store, string url, ServerCallContext context, TimeSpan timeout, bool required)
    {
        if (!InodeId.TryParse(url, out var id))
        {
            return required
                ? throw new RpcException(new Status(StatusCode.InvalidArgument, $"mechanism parameter {Parameter} '{url}' is not a valid inode://<dev>/<ino> URL"))
                : null;
        }

        if (store is null)
        {
            return required
                ? throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"mechanism parameter {Parameter} {url} names a file descriptor passed with the call, but this connection cannot carry descriptors (only the unix socket NSM_LISTEN_ON does)"))
                : null;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            var file = await store.AcquireAsync(id, wait.Token);
            _files.Add(file);
            return file;
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            return required
                ? throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"timeout in recvfd waiting for {url} ({timeout.TotalSeconds:0.#} s): the caller did not pass its descriptor"))
                : null;
        }
        catch (ObjectDisposedException) when (!required)
        {
            return null;
        }
    }

    private static ReceivedFileDescriptors? StoreOf(ServerCallContext context)
    {
        var items = context.GetHttpContext().Features.Get<IConnectionItemsFeature>()?.Items;
        return items is not null && items.TryGetValue(ReceivedFileDescriptors.ItemsKey, out var store) ? store as ReceivedFileDescriptors : null;
    }
}
