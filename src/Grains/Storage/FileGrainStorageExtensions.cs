using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace SriovForwarder.Grains.Storage;

/// <summary>Registers <see cref="FileGrainStorage"/> as a named grain storage provider.</summary>
public static class FileGrainStorageExtensions
{
    /// <summary>The provider name node-bound grains use for their persistent state.</summary>
    public const string NodeStorage = "node";

    /// <summary>Adds the node-local file storage under <paramref name="rootPath"/>.</summary>
    public static ISiloBuilder AddNodeFileStorage(this ISiloBuilder builder, string rootPath)
    {
        builder.Services.Configure<FileGrainStorageOptions>(NodeStorage, o => o.RootPath = rootPath);
        builder.Services.AddKeyedSingleton(NodeStorage, (sp, _) =>
            ActivatorUtilities.CreateInstance<FileGrainStorage>(sp,
                Microsoft.Extensions.Options.Options.Create(new FileGrainStorageOptions { RootPath = rootPath })));
        builder.Services.AddKeyedSingleton<IGrainStorage>(NodeStorage, (sp, key) => sp.GetRequiredKeyedService<FileGrainStorage>(key));
        builder.Services.AddSingleton<IPersistedGrainKeys>(sp => sp.GetRequiredKeyedService<FileGrainStorage>(NodeStorage));
        return builder;
    }
}
