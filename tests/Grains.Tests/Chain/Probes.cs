using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Chain;

namespace SriovForwarder.Grains.Tests.Chain;

/// <summary>Records what passes through it (requests and closes, with a label) into a shared journal.</summary>
internal sealed class RecordingElement(string label, List<string> journal) : IChainElement
{
    public List<NetworkServiceRequest> Requests { get; } = [];

    public List<Connection> Closes { get; } = [];

    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        journal.Add($"{label}:request");
        Requests.Add(request.Clone());
        var result = await next.RequestAsync(request, context);
        journal.Add($"{label}:request-done");
        return result;
    }

    public async Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        journal.Add($"{label}:close");
        Closes.Add(connection.Clone());
        await next.CloseAsync(connection, context);
    }
}

/// <summary>Fails Requests (and optionally Closes) with a given exception, counting the calls.</summary>
internal sealed class FailingElement(Exception error, bool failClose = false) : IChainElement
{
    public int RequestCount { get; private set; }

    public int CloseCount { get; private set; }

    public bool Enabled { get; set; } = true;

    public Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        RequestCount++;
        return Enabled ? Task.FromException<Connection>(error) : next.RequestAsync(request, context);
    }

    public Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        CloseCount++;
        return failClose && Enabled ? Task.FromException(error) : next.CloseAsync(connection, context);
    }
}

/// <summary>Counts Requests and Closes and passes them on.</summary>
internal sealed class CountingElement : IChainElement
{
    public int RequestCount { get; private set; }

    public int CloseCount { get; private set; }

    public Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        RequestCount++;
        return next.RequestAsync(request, context);
    }

    public Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        CloseCount++;
        return next.CloseAsync(connection, context);
    }
}

/// <summary>Holds Requests or Closes until <see cref="Open"/> (a next hop or registry still answering); <see cref="Arrived"/> completes when one came.</summary>
internal sealed class GatedElement(bool requests = true, bool closes = true) : IChainElement
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _gate.TrySetResult();

    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        if (requests)
        {
            Arrived.TrySetResult();
            await _gate.Task;
        }

        return await next.RequestAsync(request, context);
    }

    public async Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        if (closes)
        {
            Arrived.TrySetResult();
            await _gate.Task;
        }

        await next.CloseAsync(connection, context);
    }
}
