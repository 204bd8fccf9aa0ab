using Microsoft.Extensions.Options;

namespace SriovForwarder.Grains.Storage;

/// <summary>The rules of <see cref="FileGrainStorageOptions"/>, checked at start; each failure names the option and its variable.</summary>
public sealed class FileGrainStorageOptionsValidator : IValidateOptions<FileGrainStorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, FileGrainStorageOptions options) =>
        string.IsNullOrEmpty(options.RootPath)
            ? ValidateOptionsResult.Fail("RootPath (NSM_STATE_PATH) must not be empty")
            : ValidateOptionsResult.Success;
}
