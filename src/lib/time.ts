/** Unix seconds. Everything the API returns as a time is in these. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);
