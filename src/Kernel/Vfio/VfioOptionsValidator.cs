using Microsoft.Extensions.Options;

namespace SriovForwarder.Kernel.Vfio;

/// <summary>The rules of <see cref="VfioOptions"/>, checked at start; each failure names the option and its variable.</summary>
public sealed class VfioOptionsValidator : IValidateOptions<VfioOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, VfioOptions options) =>
        Path.IsPathFullyQualified(options.VfioPath ?? "")
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("VfioPath (NSM_VFIO_PATH) must be an absolute path");
}
