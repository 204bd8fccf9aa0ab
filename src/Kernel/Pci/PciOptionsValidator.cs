using Microsoft.Extensions.Options;

namespace SriovForwarder.Kernel.Pci;

/// <summary>The rules of <see cref="PciOptions"/>, checked at start; each failure names the option and its variable.</summary>
public sealed class PciOptionsValidator : IValidateOptions<PciOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PciOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.DevicesPath))
        {
            failures.Add("DevicesPath (NSM_PCI_DEVICES_PATH) must not be empty");
        }

        if (string.IsNullOrEmpty(options.DriversPath))
        {
            failures.Add("DriversPath (NSM_PCI_DRIVERS_PATH) must not be empty");
        }

        if (string.IsNullOrEmpty(options.VfioPath))
        {
            failures.Add("VfioPath (NSM_VFIO_PATH) must not be empty");
        }

        // A zero wait would report every bind as failed before the kernel could finish it.
        if (options.BindTimeout <= TimeSpan.Zero)
        {
            failures.Add("BindTimeout (NSM_DRIVER_BIND_TIMEOUT) must be positive");
        }

        if (options.VfCreationTimeout <= TimeSpan.Zero)
        {
            failures.Add("VfCreationTimeout must be positive");
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            failures.Add("PollInterval must be positive");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
