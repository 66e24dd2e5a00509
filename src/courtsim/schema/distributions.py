"""Distribution specs used in scenario files, sampled by inverse CDF from given uniforms.

Sampling from uniforms drawn once per case keeps common random numbers when a user
changes a distribution's parameters (or its family) in a sweep: the same case keeps
the same quantile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# numpy and scipy are imported where a distribution is sampled, not here: the scenario
# schema is built from these classes, and `courtsim validate` must not wait for them.
if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    def mean(self) -> float:  # pragma: no cover - overridden
        """Return the distribution's mean."""
        raise NotImplementedError

    def from_uniform(
        self, u: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.float64]:  # pragma: no cover
        """Transform uniforms in (0, 1) into draws (inverse CDF)."""
        raise NotImplementedError


class Constant(_Dist):
    """Always the same value."""

    dist: Literal["constant"]
    value: float = Field(ge=0)

    def mean(self) -> float:
        """Return the value."""
        return self.value

    def from_uniform(self, u: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Return ``value`` for every uniform."""
        import numpy as np

        return np.full(np.shape(u), self.value, dtype=np.float64)


class Exponential(_Dist):
    """Exponential with the given mean."""

    dist: Literal["exponential"]
    mean_: float = Field(gt=0, alias="mean")

    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, allow_inf_nan=False, populate_by_name=True
    )

    def mean(self) -> float:
        """Return the mean."""
        return self.mean_

    def from_uniform(self, u: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Inverse CDF ``-mean * log(1 - u)``."""
        import numpy as np

        return -self.mean_ * np.log1p(-u)


class Lognormal(_Dist):
    """Lognormal given by its median and the standard deviation of its logarithm."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    sigma: float = Field(ge=0, le=5)

    def mean(self) -> float:
        """Return ``median * exp(sigma**2 / 2)``."""
        import numpy as np  # numpy's exp, not math's: the same last digit as before

        return self.median * float(np.exp(self.sigma**2 / 2))

    def from_uniform(self, u: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Inverse CDF ``median * exp(sigma * Phi^-1(u))``."""
        import numpy as np
        from scipy.special import ndtri

        return self.median * np.exp(self.sigma * ndtri(u))


class Uniform(_Dist):
    """Uniform on ``[low, high]``."""

    dist: Literal["uniform"]
    low: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must not be below low ({self.low})")
        return self

    def mean(self) -> float:
        """Return the midpoint."""
        return (self.low + self.high) / 2

    def from_uniform(self, u: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Inverse CDF ``low + (high - low) * u``."""
        return self.low + (self.high - self.low) * u


Dist = Annotated[Constant | Exponential | Lognormal | Uniform, Field(discriminator="dist")]
