/**
 * Modules `modules: 'auto'` never chooses on a compute node, whatever the device tree
 * describes: a node has no screen, speakers, camera, remote control or radio, and
 * each of these drivers costs RAM, boot time and often firmware. Patterns are fnmatch
 * globs over module names ('-' and '_' alike). A module named in a board's `modules`,
 * or needed by one, is kept all the same.
 */
export const computeNodeDeny = [
  // GPU and display
  '*drm*',
  'panfrost',
  'lima',
  'etnaviv',
  'v3d',
  'vc4',
  'panel_*',
  'pwm_bl',
  'dw_hdmi*',
  'display_connector',
  'sun4i_tcon',
  'sun4i_frontend',
  'sun4i_backend',
  'sun8i_mixer',
  'sun8i_tcon_top',
  '*hdmi*',
  '*cec*',
  'analogix_dp*',
  'phy_rockchip_inno_hdmi',
  'phy_rockchip_typec',
  'phy_rockchip_dphy_rx0',
  // the VideoCore's audio, camera and codec services (vchiq)
  'vchiq',
  'bcm2835_mmal_vchiq',
  'bcm2835_v4l2',
  'bcm2835_unicam',
  // audio
  'snd*',
  '*i2s*',
  '*spdif*',
  '*_codec*',
  // video codecs, cameras, image processing
  'hantro_vpu',
  'rockchip_vdec',
  'rkvdec',
  'sunxi_cedrus',
  'meson_vdec',
  '*_csi*',
  'rockchip_isp1',
  'rockchip_rga',
  'sun8i_di',
  'sun8i_rotate',
  'sun4i_*csi*',
  'videobuf*',
  'v4l2*',
  // infrared receivers
  'sunxi_cir',
  'meson_ir',
  'ir_*',
  'rc_*',
  // Wi-Fi and Bluetooth (nodes are wired; both need firmware blobs)
  'brcmfmac',
  'brcmutil',
  'hci_uart',
  'bt*',
  'bluetooth',
  'cfg80211',
  'mac80211',
];
