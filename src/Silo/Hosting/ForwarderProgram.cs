using SriovForwarder.Gateway.Grpc;
using SriovForwarder.Gateway.Registry;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Configuration;
using SriovForwarder.Kernel.Simulation;
using SriovForwarder.Kernel.VfEthernet;
using SriovForwarder.Security.Spiffe;
using SriovForwarder.Security.Spiffe.Tls;
using SriovForwarder.Security.Spiffe.WorkloadApi;
using SriovForwarder.Silo.Configuration;
using SriovForwarder.Silo.Extensions;
using SriovForwarder.Silo.Logging;
using SriovForwarder.Silo.Ops;
using SriovForwarder.Silo.Telemetry;

namespace SriovForwarder.Silo.Hosting;

/// <summary>The executable: reads the configuration, optionally starts the simulated node, runs the silo and the endpoints.</summary>
public static partial class ForwarderProgram
{
    /// <summary>Exit code for bad arguments or configuration.</summary>
    public const int ConfigurationError = 2;

    /// <summary>Exit code when start-up failed after the configuration was accepted.</summary>
    public const int StartupError = 1;

    /// <summary>Runs until SIGTERM/SIGINT; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args is ["fleet", .. var fleetArgs])
        {
            if (fleetArgs.Any(a => a is "--help" or "-h"))
            {
                Console.WriteLine(Cli.FleetArguments.Usage);
                return 0;
            }

            return await Cli.FleetVerb.RunAsync(fleetArgs, Console.Out, Console.Error);
        }

        if (args is ["connect", .. var connectArgs])
        {
            if (connectArgs.Any(a => a is "--help" or "-h"))
            {
                Console.WriteLine(Cli.ConnectArguments.Usage);
                return 0;
            }

            return await Cli.ConnectVerb.RunAsync(connectArgs, Console.Out, Console.Error);
        }

        if (args is ["simulate-fault", .. var faultArgs])
        {
            if (faultArgs.Any(a => a is "--help" or "-h"))
            {
                Console.WriteLine(Cli.SimulateFaultArguments.Usage);
                return 0;
            }

            return await Cli.SimulateFaultVerb.RunAsync(faultArgs, Console.Out, Console.Error);
        }

        var (options, argumentError) = CommandLine.Parse(args);
        if (options is null)
        {
            await Console.Error.WriteLineAsync($"sriov-forwarder: {argumentError}");
            return ConfigurationError;
        }

        if (options.ShowHelp)
        {
            Console.WriteLine(ForwarderSettingsHelp.Render());
            Console.WriteLine(CommandLine.Usage);
            Console.WriteLine(Cli.FleetArguments.Usage);
            Console.WriteLine(Cli.ConnectArguments.Usage);
            Console.WriteLine(Cli.SimulateFaultArguments.Usage);
            return 0;
        }

        var read = ForwarderSettingsReader.ReadProcessEnvironment();
        if (read.Settings is not { } settings)
        {
            await Console.Error.WriteLineAsync($"sriov-forwarder: invalid configuration:{Environment.NewLine}{read.FormatProblems()}");
            return ConfigurationError;
        }

        var levels = new LogLevelSwitch(settings.LogLevel);
        using var loggerFactory = LoggerFactory.Create(b => b.AddForwarderConsole(levels, settings.LogFormat));
        var logger = loggerFactory.CreateLogger("sriov-forwarder");
        using var levelSignals = LogLevelSignals.Install(levels, logger);
        var phases = new StartupPhases(logger);
        phases.Begin("get config from env");
        SettingsDump.Write(logger, settings);

        SimulatedSriovNode? simulated = null;
        Gateway.Demo.StandInNsmControlPlane? demo = null;
        OpsServer? ops = null;
        WorkloadApiSvidSource? svids = null;
        var stopSignal = new StartupStopSignal();
        var started = false;
        try
        {
            var statePathSet = Environment.GetEnvironmentVariable("NSM_STATE_PATH") is not null;
            if (statePathSet)
            {
                // Before the simulated node, which is kept in the state folder.
                StatePathCheck.Ensure(settings.StatePath);
            }

            if (options.Simulate)
            {
                phases.Begin("start the SIMULATED SR-IOV node");
                (simulated, settings) = await SimulationSetup.StartAsync(options, settings, statePathSet, loggerFactory, CancellationToken.None);
                LogSimulatedNode(logger, simulated.Root, simulated.Reused, simulated.HasRealNetdevs, simulated.PhysicalFunctionAddresses.Count);
                if (Demo.DemoSetup.Wanted(options.Simulate))
                {
                    phases.Begin("start the DEMO stand-in NSM control plane");
                    (demo, settings) = await Demo.DemoSetup.StartAsync(simulated, settings, logger, stopSignal.Token);
                }
            }

            if (stopSignal.Requested)
            {
                return HostStart.StoppedWhileStarting(logger);
            }

            phases.Begin("get SR-IOV config from file");
            SriovConfig config;
            try
            {
                config = SriovConfigReader.ReadFile(settings.SriovConfigFile);
            }
            catch (SriovConfigException ex)
            {
                LogBadSriovConfig(logger, ex.Message);
                return ConfigurationError;
            }

            phases.Begin("retrieve SPIFFE SVID");
            svids = await SpiffeStartup.StartAsync(settings, loggerFactory, logger, stopSignal.Token);

            phases.Begin("build the host");
            var ports = HostStart.CheckHost(settings);
            var gate = new StartupLogGate(levels);
            var app = BuildApplication(settings, config, simulated is not null, levels, gate, svids);
            if (settings.OpsListenOn is not null)
            {
                phases.Begin("start the ops listener");
            }

            // Before the silo starts, so /readyz says "not ready" while it does; disposed last, after the whole shutdown.
            ops = await OpsServer.StartAsync(settings, app.Services);
            // The device plugin, the registration and the health loop start after this, once the socket serves (decision 044).
            phases.Begin("start the silo, the node grain and the NSM socket");
            if (await HostStart.StartOrRefuseAsync(app, settings, ports, gate, stopSignal, logger) is { } startExitCode)
            {
                return startExitCode;
            }

            started = true;
            phases.Completed();
            LogReady(logger, settings.NodeName, app.Services.GetRequiredService<NsmListenSocket>().Path, settings.DashboardListenOn?.ToString() ?? "off",
                settings.OpsListenOn?.ToString() ?? "off");
            TelemetryLog.Describe(logger, settings);
            await app.WaitForShutdownAsync();
            await app.DisposeAsync();
            return NodeStartupCheck.Failed ? StartupError : 0;
        }
        catch (OperationCanceledException) when (!started && stopSignal.Requested)
        {
            return HostStart.StoppedWhileStarting(logger);
        }
        catch (Exception ex) when (!started)
        {
            return HostStart.Refused(logger, ex);
        }
        finally
        {
            stopSignal.Dispose();
            if (svids is not null)
            {
                await svids.DisposeAsync();
            }

            if (ops is not null)
            {
                await ops.DisposeAsync();
            }

            if (demo is not null)
            {
                await demo.DisposeAsync();
            }

            if (simulated is not null)
            {
                await simulated.DisposeAsync();
            }
        }
    }

    private static WebApplication BuildApplication(
        ForwarderSettings settings, SriovConfig config, bool simulated, LogLevelSwitch levels, StartupLogGate gate, ISvidSource? svids)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        // NSM_LOG_LEVEL, switched to trace and back at run time by SIGUSR1/SIGUSR2.
        builder.Logging.AddForwarderConsole(levels, settings.LogFormat);
        foreach (var category in StartupLogGate.Categories)
        {
            // After the switch's own rule, so these categories also hold back start-up errors (the gate asks the switch too).
            builder.Logging.AddFilter(category, level => gate.Allows(category, level));
        }

        var socketPath = NsmEndpointWiring.ListenSocketPath(settings);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ConfigureForwarderEndpoints(settings);
            kestrel.ListenForNsm(settings, socketPath, svids is null ? null : kestrel.ApplicationServices.GetRequiredService<SvidCredentials>());
            kestrel.ListenForDiagnostics(settings);
            kestrel.ListenForFleet(settings);
        });
        builder.Services.AddNodeHardware(settings, config);
        if (svids is not null)
        {
            // Before the outbound clients and registration are made: they take the client TLS if it is there.
            builder.Services.AddSpiffeMutualTls(svids);
        }

        builder.Services.AddNsmForwarding(settings);
        if (simulated)
        {
            // The simulated PF is a veth without a VF table: VF MAC/VLAN go to the simulated node (decision 003).
            builder.Services.AddSimulatedNodeVfEthernetSettings();
        }

        builder.AddForwarderSilo(settings);
        builder.Services.AddSingleton(new NsmListenSocket(socketPath));
        builder.Services.AddHostedService<NodeStartupCheck>();
        // Right after the start-up check: its start means the node grain is active (readiness, decision 016).
        builder.Services.AddSingleton(sp => new ReadinessState(sp, sp.GetRequiredService<NsmListenSocket>(), settings.NodeName));
        builder.Services.AddHostedService<ReadinessTracker>();
        builder.Services.AddHealthChecks().AddCheck<ReadinessHealthCheck>(ReadinessHealthCheck.Name);
        builder.Services.AddForwarderTelemetry(settings);
        builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<ReconcileLoop>(sp, settings.ReconcileInterval));
        builder.Services.AddNodeHealth(settings);
        builder.Services.AddDevicePlugin(settings);
        // After the silo and the start-up check, so NSMgr hears of us only once we can serve.
        builder.Services.AddNsmRegistration(settings, socketPath);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

        var app = builder.Build();
        app.MapForwarderEndpoints(settings);
        return app;
    }

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "SIMULATED SR-IOV node in {Root} (reused: {Reused}, real veth netdevs: {RealNetdevs}, {PfCount} PFs)")]
    private static partial void LogSimulatedNode(ILogger logger, string root, bool reused, bool realNetdevs, int pfCount);

    [LoggerMessage(EventId = 5, Level = LogLevel.Critical, Message = "failed to get PCI resources config: {Error}")]
    private static partial void LogBadSriovConfig(ILogger logger, string error);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "sriov-forwarder ready on node {Node}; NSM endpoint: unix://{Socket}; dashboard: {Dashboard}; ops: {Ops}")]
    private static partial void LogReady(ILogger logger, string node, string socket, string dashboard, string ops);

}
