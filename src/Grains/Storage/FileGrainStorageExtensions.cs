using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace SriovForwarder.Grains.Storage;

/// <summary>Registers <see cref="FileGrainStorage"/> and <see cref="JournaledGrainStorage"/> as named grain storage providers.</summary>
public static class FileGrainStorageExtensions
{
    /// <summary>The provider name node-bound grains use for their persistent state.</summary>
    public const string NodeStorage = "node";

    /// <summary>
    /// The provider name for node-local state written on the hot path (the node's VF reservations, decision 028; the
    /// connections' state, decision 036): a journal in <c>journal/</c> under the same root, compacted into the same
    /// snapshot files.
    /// </summary>
    public const string NodeJournalStorage = "node-journal";

    /// <summary>Adds the node-local file storage under <paramref name="rootPath"/>.</summary>
    /// <remarks>
    /// Both providers serialize with <see cref="NodeStateSerializer"/> (decision 046), registered as the keyed
    /// <see cref="IGrainStorageSerializer"/> <see cref="NodeStorage"/> (a benchmark may register another after this call);
    /// what earlier releases wrote is read with Orleans' Newtonsoft serializer, named here rather than taken from the
    /// default registration, so the old files stay readable whatever the default becomes.
    /// </remarks>
    public static ISiloBuilder AddNodeFileStorage(this ISiloBuilder builder, string rootPath)
    {
        builder.Services.Configure<FileGrainStorageOptions>(NodeStorage, o => o.RootPath = rootPath);
        builder.Services.AddKeyedSingleton<IGrainStorageSerializer>(NodeStorage, (sp, _) =>
            new NodeStateSerializer(LegacySerializer(sp)));
        builder.Services.AddKeyedSingleton(NodeStorage, (sp, key) =>
            ActivatorUtilities.CreateInstance<FileGrainStorage>(sp,
                Microsoft.Extensions.Options.Options.Create(new FileGrainStorageOptions { RootPath = rootPath }),
                sp.GetRequiredKeyedService<IGrainStorageSerializer>(key)));
        builder.Services.AddKeyedSingleton<IGrainStorage>(NodeStorage, (sp, key) => sp.GetRequiredKeyedService<FileGrainStorage>(key));
        builder.Services.AddKeyedSingleton(NodeJournalStorage, (sp, _) =>
            ActivatorUtilities.CreateInstance<JournaledGrainStorage>(sp, sp.GetRequiredKeyedService<FileGrainStorage>(NodeStorage),
                sp.GetRequiredKeyedService<IGrainStorageSerializer>(NodeStorage), Path.Combine(rootPath, "journal")));
        builder.Services.AddKeyedSingleton<IGrainStorage>(NodeJournalStorage, (sp, key) => sp.GetRequiredKeyedService<JournaledGrainStorage>(key));
        // The connections' state is journaled (decision 036): the journal lists what its snapshot files do not show yet.
        builder.Services.AddSingleton<IPersistedGrainKeys>(sp => sp.GetRequiredKeyedService<JournaledGrainStorage>(NodeJournalStorage));
        return builder;
    }

    // What wrote the files before decision 046: Orleans' default storage serializer, which is this Newtonsoft one.
    private static JsonGrainStorageSerializer LegacySerializer(IServiceProvider services) =>
        services.GetService<IGrainStorageSerializer>() as JsonGrainStorageSerializer
        ?? ActivatorUtilities.GetServiceOrCreateInstance<JsonGrainStorageSerializer>(services);
}
