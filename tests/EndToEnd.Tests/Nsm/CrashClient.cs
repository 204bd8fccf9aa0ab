using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// One client of the crash test: requests, refreshes and closes connections one after another with one mechanism and
/// one token, as NSMgr would for one pod (each request carries a path whose current segment is NSMgr's, so a retry
/// reaches the same connection). What it had open when the forwarder died is its <see cref="Leftover"/>.
/// </summary>
internal sealed class CrashClient(string name, string mechanism, string? token, IReadOnlyDictionary<string, string> parameters)
{
    private int _sequence;

    public string Name => name;

    /// <summary>The connection this client had not closed when the forwarder died, or null.</summary>
    public Pending? Leftover { get; private set; }

    /// <summary>A connection whose Request was sent; <see cref="Answer"/> once answered, <see cref="CloseSent"/> once its Close went out.</summary>
    internal sealed class Pending(NetworkServiceRequest request)
    {
        public NetworkServiceRequest Request { get; } = request;

        public string Id => Request.Connection.Id;

        public Connection? Answer { get; set; }

        public bool CloseSent { get; set; }
    }

    /// <summary>Runs Request → refresh → Close cycles until a call fails (the forwarder died) or <paramref name="stop"/> fires.</summary>
    public async Task RunAsync(NetworkService.NetworkServiceClient client, CrashLedger ledger, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var pending = new Pending(NewRequest($"{name}-{_sequence++}"));
            Leftover = pending;
            if (!await TryRequestAsync(client, pending, ledger) || stop.IsCancellationRequested)
            {
                return;
            }

            if (!await TryCloseAsync(client, pending, ledger))
            {
                return;
            }

            Leftover = null;
        }
    }

    /// <summary>Retries the leftover's Request with its connection id, checks what came back, and closes it; false when the forwarder died meanwhile.</summary>
    public async Task<bool> SettleAsync(NetworkService.NetworkServiceClient client, CrashLedger ledger)
    {
        if (Leftover is not { } pending)
        {
            return true;
        }

        if (!pending.CloseSent)
        {
            // As NSMgr does: an answered connection is refreshed with the answer, an unanswered one asked again as it was.
            var before = pending.Answer;
            if (!await TryRequestAsync(client, pending, ledger))
            {
                return false;
            }

            ledger.CountRetry(establishedBefore: before is not null);
            if (before is not null)
            {
                ledger.Check(Pci(before) == Pci(pending.Answer!), $"{pending.Id}: established on {Pci(before)}, a retry after the restart got {Pci(pending.Answer!)}");
            }
        }
        else if (pending.Answer is null)
        {
            return true;
        }

        if (!await TryCloseAsync(client, pending, ledger))
        {
            return false;
        }

        Leftover = null;
        return true;
    }

    private async Task<bool> TryRequestAsync(NetworkService.NetworkServiceClient client, Pending pending, CrashLedger ledger)
    {
        try
        {
            var request = pending.Answer is { } known ? Refresh(known) : pending.Request.Clone();
            var answer = await client.RequestAsync(request, deadline: DateTime.UtcNow.AddSeconds(20));
            if (pending.Answer is null)
            {
                ledger.Hold(Pci(answer), pending.Id);
            }

            pending.Answer = answer;
            var refreshed = await client.RequestAsync(Refresh(answer), deadline: DateTime.UtcNow.AddSeconds(20));
            ledger.Check(Pci(refreshed) == Pci(answer), $"{pending.Id}: a refresh moved it from {Pci(answer)} to {Pci(refreshed)}");
            pending.Answer = refreshed;
            return true;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Cancelled or StatusCode.Internal or StatusCode.DeadlineExceeded)
        {
            ledger.Died(pending.Id, ex);
            return false;
        }
    }

    private async Task<bool> TryCloseAsync(NetworkService.NetworkServiceClient client, Pending pending, CrashLedger ledger)
    {
        ledger.Release(Pci(pending.Answer!), pending.Id);
        pending.CloseSent = true;
        try
        {
            await client.CloseAsync(pending.Answer, deadline: DateTime.UtcNow.AddSeconds(20));
            return true;
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Cancelled or StatusCode.Internal or StatusCode.DeadlineExceeded)
        {
            ledger.Died(pending.Id, ex);
            return false;
        }
    }

    private NetworkServiceRequest NewRequest(string id)
    {
        var preference = new Mechanism { Cls = "LOCAL", Type = mechanism };
        if (token is not null)
        {
            preference.Parameters["tokenID"] = token;
        }

        foreach (var (key, value) in parameters)
        {
            preference.Parameters[key] = value;
        }

        // As NSMgr sends it: the path up to NSMgr's segment, the connection id being NSMgr's segment id.
        return new NetworkServiceRequest
        {
            Connection = new Connection
            {
                Id = id,
                NetworkService = "ns",
                NetworkServiceEndpointName = "nse-1",
                Labels = { ["test"] = id },
                Path = new Api.Nsm.Connection.Path
                {
                    Index = 1,
                    PathSegments = { new PathSegment { Name = "nsc", Id = id + "-nsc" }, new PathSegment { Name = "nsmgr", Id = id } },
                },
            },
            MechanismPreferences = { preference },
        };
    }

    private static NetworkServiceRequest Refresh(Connection connection) => new()
    {
        Connection = connection.Clone(),
        MechanismPreferences = { connection.Mechanism.Clone() },
    };

    private static string Pci(Connection connection) => connection.Mechanism.Parameters.GetValueOrDefault("pciAddress") ?? "(none)";
}
